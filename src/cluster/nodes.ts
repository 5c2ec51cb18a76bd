// Cluster membership: `berth node join|leave|ls`. A node is two records in
// etcd: <prefix>/nodeinfo/<name> (address, labels; kept while the node is a
// member) and <prefix>/nodes/<name> under the node's lease (present while the
// node's agent keeps the lease alive). Joining is one transaction that fails
// when a live node already has the name, so nothing is half made.
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { BerthError } from '../errors.js';
import type { StatePaths } from '../state/paths.js';
import { Etcd, parseStoreUrl } from '../etcd/client.js';
import { addrList } from '../native/netlink.js';
import { etcdFor, keys, membershipPath, readMembership, removeMembership, writeMembership, type Membership } from '../network/stores/membership.js';
import { withdrawNodeEndpoints } from './endpoints.js';
import { startAgent, stopAgent, agentRunning } from './agent-process.js';

const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export interface JoinOptions {
  store: string;
  advertiseAddr: string;
  name?: string;
  labels?: Record<string, string>;
  prefix: string;          // the etcd key prefix of the cluster (BERTH_CLUSTER_PREFIX)
  ttl: number;             // seconds a dead node's records survive it (BERTH_NODE_TTL)
}

export interface NodeInfo { name: string; address: string; labels: Record<string, string>; joined: string }
export interface NodeStatus extends NodeInfo { status: 'ready' | 'down'; endpoints: number; self: boolean }

const nodeInfoKey = (prefix: string, name: string) => `${prefix}/nodeinfo/${name}`;

export async function joinCluster(paths: StatePaths, o: JoinOptions): Promise<Membership> {
  const was = readMembership(paths);
  if (was) throw new BerthError(`this host is already node ${was.node} of the cluster at ${was.store.join(',')} (berth node leave first)`);
  const store = parseStoreUrl(o.store);
  const name = o.name ?? hostname();
  if (!NODE_NAME.test(name)) throw new BerthError(`invalid node name '${name}'`);
  if (!isIP(o.advertiseAddr)) throw new BerthError(`--advertise-addr: '${o.advertiseAddr}' is not an IP address`);
  if (!addrList(null).some((a) => a.address === o.advertiseAddr)) throw new BerthError(`--advertise-addr: ${o.advertiseAddr} is not an address of this host`);
  for (const k of Object.keys(o.labels ?? {})) if (!/^[A-Za-z0-9][A-Za-z0-9_.\/-]*$/.test(k)) throw new BerthError(`invalid node label '${k}'`);
  const { prefix } = o;
  const etcd = new Etcd(store);
  const lease = await etcd.leaseGrant(o.ttl);
  const info: NodeInfo = { name, address: o.advertiseAddr, labels: o.labels ?? {}, joined: new Date().toISOString() };
  const k = keys(prefix);
  const ok = await etcd.txn([{ key: k.node(name), target: 'CREATE', createRevision: 0 }], [
    { put: { key: k.node(name), value: o.advertiseAddr, lease } },
    { put: { key: nodeInfoKey(prefix, name), value: JSON.stringify(info) } },
  ]);
  if (!ok) {
    await etcd.leaseRevoke(lease);
    const holder = await etcd.get(k.node(name));
    throw new BerthError(`a node named ${name} is already in the cluster${holder ? ` (at ${holder.value})` : ''}`);
  }
  const m: Membership = { store, prefix, node: name, vtep: o.advertiseAddr, lease, labels: info.labels, joined: info.joined };
  try {
    mkdirSync(dirname(membershipPath(paths)), { recursive: true, mode: 0o700 });
    writeMembership(paths, m);
    await startAgent(paths);
  } catch (e) {
    removeMembership(paths);
    await etcd.txn([], [{ delete: { key: k.node(name) } }, { delete: { key: nodeInfoKey(prefix, name) } }]).catch(() => undefined);
    await etcd.leaseRevoke(lease).catch(() => undefined);
    throw e;
  }
  return m;
}

/** Stops the agent, withdraws this node's endpoints and records, forgets the membership. */
export async function leaveCluster(paths: StatePaths): Promise<Membership> {
  const m = readMembership(paths);
  if (!m) throw new BerthError('this host is not a node of a cluster');
  await stopAgent(paths);
  const etcd = etcdFor(m.store);
  await withdrawNodeEndpoints(m);
  await etcd.txn([], [{ delete: { key: keys(m.prefix).node(m.node) } }, { delete: { key: nodeInfoKey(m.prefix, m.node) } }]);
  await etcd.leaseRevoke(m.lease);
  removeMembership(paths);
  return m;
}

export async function listNodes(paths: StatePaths): Promise<NodeStatus[]> {
  const m = readMembership(paths);
  if (!m) throw new BerthError('this host is not a node of a cluster (berth node join)');
  const etcd = etcdFor(m.store);
  const [infos, alive, eps] = await Promise.all([
    etcd.list(`${m.prefix}/nodeinfo/`), etcd.list(keys(m.prefix).nodes), etcd.list(keys(m.prefix).allEndpoints),
  ]);
  const live = new Set(alive.kvs.map((kv) => kv.key.slice(keys(m.prefix).nodes.length)));
  const count = new Map<string, number>();
  for (const kv of eps.kvs) { const n = (JSON.parse(kv.value) as { node: string }).node; count.set(n, (count.get(n) ?? 0) + 1); }
  return infos.kvs.map((kv) => JSON.parse(kv.value) as NodeInfo).map((i) => ({
    ...i, status: live.has(i.name) ? 'ready' as const : 'down' as const, endpoints: count.get(i.name) ?? 0, self: i.name === m.node,
  }));
}

/** Restarts this node's agent when it is not running (after a reboot or a kill). */
export async function ensureAgent(paths: StatePaths): Promise<boolean> {
  if (!readMembership(paths)) throw new BerthError('this host is not a node of a cluster (berth node join)');
  if (agentRunning(paths)) return false;
  await startAgent(paths);
  return true;
}
