// This node's endpoint records in etcd: withdrawn on leave, published again
// under a new lease when the node comes back after its lease expired.
import type { StatePaths } from '../state/paths.js';
import { NetworkStore } from '../network/store.js';
import { publishEndpoint, withdrawEndpoint, type ClusterEndpoint } from '../network/stores/cluster-endpoints.js';
import { etcdFor, keys, type Membership } from '../network/stores/membership.js';

export async function withdrawNodeEndpoints(m: Membership): Promise<void> {
  const { kvs } = await etcdFor(m.store).list(keys(m.prefix).allEndpoints);
  for (const kv of kvs) {
    const e = JSON.parse(kv.value) as ClusterEndpoint;
    if (e.node === m.node) await withdrawEndpoint(m, e.network, e.containerId);
  }
}

/** Publishes every local endpoint on the cluster's overlay networks (after a new lease). */
export async function republishEndpoints(paths: StatePaths, m: Membership): Promise<void> {
  const store = new NetworkStore(paths);
  const nets = new Map(store.networks().filter((n) => n.cluster?.prefix === m.prefix).map((n) => [n.id, n]));
  for (const ep of store.endpoints()) {
    for (const a of ep.attachments) {
      const n = nets.get(a.networkId);
      if (n) await publishEndpoint(m, n, { containerId: ep.containerId, ...(ep.name ? { name: ep.name } : {}), dnsNames: ep.dnsNames }, a);
    }
  }
}
