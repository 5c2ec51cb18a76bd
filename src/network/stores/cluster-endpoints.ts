// The endpoint registry of a cluster's overlay networks in etcd: one record
// per (network, container) under the node's etcd lease, so that a node that
// dies has its endpoints withdrawn everywhere when the lease expires. Other
// nodes' records are mirrored into <networks>/remote/<network>.json by the
// node agent, for the DNS configuration and the forwarding entries.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../../state/atomic.js';
import type { StatePaths } from '../../state/paths.js';
import type { AttachmentRecord, EndpointRecord, NetworkRecord } from '../types.js';
import { etcdFor, keys, type Membership } from './membership.js';

export interface ClusterEndpoint {
  containerId: string;
  network: string;        // network id
  node: string;
  vtep: string;           // the node's underlay address
  mac: string;
  ipv4?: string;
  ipv6?: string;
  name?: string;
  dnsNames: string[];
  aliases: string[];
}

export async function publishEndpoint(m: Membership, n: NetworkRecord, ep: { containerId: string; name?: string; dnsNames: string[] }, a: AttachmentRecord): Promise<void> {
  const rec: ClusterEndpoint = {
    containerId: ep.containerId, network: n.id, node: m.node, vtep: m.vtep, mac: a.mac ?? '',
    ...(a.ipv4 ? { ipv4: a.ipv4 } : {}), ...(a.ipv6 ? { ipv6: a.ipv6 } : {}),
    ...(ep.name ? { name: ep.name } : {}), dnsNames: ep.dnsNames, aliases: a.aliases,
  };
  await etcdFor(m.store).put(keys(m.prefix).endpoints(n.id) + ep.containerId, JSON.stringify(rec), m.lease);
}

export async function withdrawEndpoint(m: { store: string[]; prefix: string }, networkId: string, containerId: string): Promise<void> {
  await etcdFor(m.store).delete(keys(m.prefix).endpoints(networkId) + containerId);
}

/** Every endpoint of the cluster's overlay networks, by network id. */
export async function clusterEndpoints(m: Membership): Promise<{ byNetwork: Map<string, ClusterEndpoint[]>; revision: number }> {
  const { kvs, revision } = await etcdFor(m.store).list(keys(m.prefix).allEndpoints);
  const byNetwork = new Map<string, ClusterEndpoint[]>();
  for (const kv of kvs) {
    const e = JSON.parse(kv.value) as ClusterEndpoint;
    byNetwork.set(e.network, [...(byNetwork.get(e.network) ?? []), e]);
  }
  return { byNetwork, revision };
}

const remoteDir = (paths: StatePaths) => join(paths.networks, 'remote');

/** The mirror of other nodes' endpoints of one network (written by the node agent). */
export function writeRemoteEndpoints(paths: StatePaths, networkId: string, eps: ClusterEndpoint[]): void {
  if (eps.length) writeJsonAtomic(join(remoteDir(paths), `${networkId}.json`), eps);
  else rmSync(join(remoteDir(paths), `${networkId}.json`), { force: true });
}

export function readRemoteEndpoints(paths: StatePaths): ClusterEndpoint[] {
  let files: string[] = [];
  try { files = readdirSync(remoteDir(paths)); } catch { return []; }
  // A mirror of etcd that the agent rewrites: an unreadable one counts as empty until then.
  return files.filter((f) => /^[0-9a-f]{64}\.json$/.test(f)).flatMap((f) => {
    try { return readJson<ClusterEndpoint[]>(join(remoteDir(paths), f), Array.isArray) ?? []; } catch { return []; }
  });
}

/** Remote endpoints in the shape of local endpoint records, for the DNS configuration. */
export function remoteAsEndpointRecords(eps: ClusterEndpoint[], networks: NetworkRecord[]): EndpointRecord[] {
  const byId = new Map(networks.map((n) => [n.id, n]));
  return eps.filter((e) => byId.has(e.network)).map((e) => ({
    containerId: e.containerId, ...(e.name ? { name: e.name } : {}), netnsPath: '', dnsNames: e.dnsNames, ports: [], expose: [],
    attachments: [{
      network: byId.get(e.network)!.name, networkId: e.network, interface: '', hostVeth: '', mac: e.mac,
      ...(e.ipv4 ? { ipv4: e.ipv4 } : {}), ...(e.ipv6 ? { ipv6: e.ipv6 } : {}), aliases: e.aliases, links: [],
    }],
  }));
}
