// This host's membership of a cluster, as the network layer needs it: where
// etcd is, this node's name, its underlay (VTEP) address and its etcd lease.
// Written by `berth node join` (src/cluster) to <root>/cluster/node.json and
// removed by `berth node leave`; absent on a single host.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../../state/atomic.js';
import type { StatePaths } from '../../state/paths.js';
import { Etcd } from '../../etcd/client.js';

export interface Membership {
  store: string[];       // etcd endpoints ("http://host:port")
  prefix: string;        // key prefix of the cluster ("/berth")
  node: string;          // node name
  vtep: string;          // advertise (underlay) address
  lease: string;         // the etcd lease that holds this node's records
  labels: Record<string, string>;
  joined: string;        // ISO time
}

export const membershipPath = (paths: StatePaths): string => join(paths.root, 'cluster', 'node.json');
export const readMembership = (paths: StatePaths): Membership | undefined => readJson<Membership>(membershipPath(paths));
export const writeMembership = (paths: StatePaths, m: Membership): void => writeJsonAtomic(membershipPath(paths), m);
export const removeMembership = (paths: StatePaths): void => rmSync(membershipPath(paths), { force: true });

/** The keys of a cluster in etcd. */
export const keys = (prefix: string) => ({
  node: (name: string) => `${prefix}/nodes/${name}`,
  nodes: `${prefix}/nodes/`,
  netdef: (name: string) => `${prefix}/netdefs/${name}`,
  netdefs: `${prefix}/netdefs/`,
  vni: (vni: number) => `${prefix}/vni/${vni}`,
  vnis: `${prefix}/vni/`,
  leases: (netId: string) => `${prefix}/leases/${netId}/`,
  endpoints: (netId: string) => `${prefix}/endpoints/${netId}/`,
  allEndpoints: `${prefix}/endpoints/`,
  member: (netId: string, node: string) => `${prefix}/members/${netId}/${node}`,
  members: (netId: string) => `${prefix}/members/${netId}/`,
});

/** One client per process and store. */
const clients = new Map<string, Etcd>();
export function etcdFor(store: string[]): Etcd {
  const k = store.join(',');
  let c = clients.get(k);
  if (!c) { c = new Etcd(store); clients.set(k, c); }
  return c;
}
