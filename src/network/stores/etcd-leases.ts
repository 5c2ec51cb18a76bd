// Address leases of a cluster's overlay network in etcd: one key per address
// (<prefix>/leases/<network>/<ip> = owner). A commit is one transaction that
// checks every address it takes is still free and every one it drops still
// has the owner it read: two hosts leasing at once never get one address.
// Addresses are taken under the leasing node's etcd lease: the addresses of a
// node that dies are free again when its lease expires, as its endpoints are.
import { LeaseConflict, type LeaseStore, type Leases } from '../store.js';
import type { Compare, Etcd, Op } from '../../etcd/client.js';
import { keys } from './membership.js';

export class EtcdLeaseStore implements LeaseStore {
  /** `lease`: the node's etcd lease that the addresses it takes are held under. */
  constructor(readonly etcd: Etcd, readonly prefix: string, readonly lease?: string) {}

  async read(networkId: string): Promise<Leases> {
    const base = keys(this.prefix).leases(networkId);
    const out: Leases = {};
    for (const kv of (await this.etcd.list(base)).kvs) out[kv.key.slice(base.length)] = kv.value;
    return out;
  }

  async commit(networkId: string, before: Leases, after: Leases): Promise<void> {
    const base = keys(this.prefix).leases(networkId);
    const compare: Compare[] = [];
    const ops: Op[] = [];
    for (const [ip, owner] of Object.entries(after)) {
      if (before[ip] === owner) continue;
      compare.push(before[ip] === undefined
        ? { key: base + ip, target: 'CREATE', createRevision: 0 }
        : { key: base + ip, target: 'VALUE', value: before[ip]! });
      ops.push({ put: { key: base + ip, value: owner, ...(this.lease ? { lease: this.lease } : {}) } });
    }
    for (const [ip, owner] of Object.entries(before)) {
      if (ip in after) continue;
      compare.push({ key: base + ip, target: 'VALUE', value: owner });
      ops.push({ delete: { key: base + ip } });
    }
    if (!ops.length) return;
    if (!(await this.etcd.txn(compare, ops))) throw new LeaseConflict(networkId);
  }

  /**
   * An address this node's container holds, put again under the node's
   * current lease (after the old one expired); false when another owner
   * took it meanwhile.
   */
  async reclaim(networkId: string, ip: string, owner: string): Promise<boolean> {
    const key = keys(this.prefix).leases(networkId) + ip;
    const put: Op = { put: { key, value: owner, ...(this.lease ? { lease: this.lease } : {}) } };
    if (await this.etcd.txn([{ key, target: 'CREATE', createRevision: 0 }], [put])) return true;
    return this.etcd.txn([{ key, target: 'VALUE', value: owner }], [put]);
  }

  async drop(networkId: string): Promise<void> {
    await this.etcd.delete(keys(this.prefix).leases(networkId), { prefix: true });
  }
}
