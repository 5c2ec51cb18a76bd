// Address leases of a cluster's overlay network in etcd: one key per address
// (<prefix>/leases/<network>/<ip> = owner). A commit is one transaction that
// checks every address it takes is still free and every one it drops still
// has the owner it read: two hosts leasing at once never get one address.
import { LeaseConflict, type LeaseStore, type Leases } from '../store.js';
import type { Compare, Etcd, Op } from '../../etcd/client.js';
import { keys } from './membership.js';

export class EtcdLeaseStore implements LeaseStore {
  constructor(readonly etcd: Etcd, readonly prefix: string) {}

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
      ops.push({ put: { key: base + ip, value: owner } });
    }
    for (const [ip, owner] of Object.entries(before)) {
      if (ip in after) continue;
      compare.push({ key: base + ip, target: 'VALUE', value: owner });
      ops.push({ delete: { key: base + ip } });
    }
    if (!ops.length) return;
    if (!(await this.etcd.txn(compare, ops))) throw new LeaseConflict(networkId);
  }

  async drop(networkId: string): Promise<void> {
    await this.etcd.delete(keys(this.prefix).leases(networkId), { prefix: true });
  }
}
