// This node's endpoint records in etcd: withdrawn on leave, published again
// under a new lease when the node comes back after its lease expired.
import type { StatePaths } from '../state/paths.js';
import { NetworkStore } from '../network/store.js';
import { publishEndpoint, withdrawEndpoint, type ClusterEndpoint } from '../network/stores/cluster-endpoints.js';
import { etcdFor, keys, type Membership } from '../network/stores/membership.js';
import { EtcdLeaseStore } from '../network/stores/etcd-leases.js';

export async function withdrawNodeEndpoints(m: Membership): Promise<void> {
  const { kvs } = await etcdFor(m.store).list(keys(m.prefix).allEndpoints);
  for (const kv of kvs) {
    const e = JSON.parse(kv.value) as ClusterEndpoint;
    if (e.node === m.node) await withdrawEndpoint(m, e.network, e.containerId);
  }
}

/**
 * After a new lease: every local endpoint on the cluster's overlay networks
 * takes its addresses again under it and is published again. An address
 * another node took meanwhile is a conflict: returned, and that endpoint is
 * not published (it would answer for another node's container).
 */
export async function republishEndpoints(paths: StatePaths, m: Membership): Promise<string[]> {
  const store = new NetworkStore(paths);
  const nets = new Map(store.networks().filter((n) => n.cluster?.prefix === m.prefix).map((n) => [n.id, n]));
  const leases = new EtcdLeaseStore(etcdFor(m.store), m.prefix, m.lease);
  const conflicts: string[] = [];
  for (const ep of store.endpoints()) {
    for (const a of ep.attachments) {
      const n = nets.get(a.networkId);
      if (!n) continue;
      const lost = [];
      for (const ip of [a.ipv4, a.ipv6]) if (ip && !(await leases.reclaim(n.id, ip, ep.containerId))) lost.push(ip);
      if (lost.length) { conflicts.push(`network ${n.name}: ${lost.join(', ')} of ${ep.name ?? ep.containerId} was taken by another node meanwhile`); continue; }
      await publishEndpoint(m, n, { containerId: ep.containerId, ...(ep.name ? { name: ep.name } : {}), dnsNames: ep.dnsNames }, a);
    }
  }
  return conflicts;
}
