// The node agent (`berth node agent`, started detached by `node join`):
// keeps this node's etcd lease alive, keeps this node's overlay networks
// in step with the cluster's endpoint records (forwarding entries toward the
// other nodes, their endpoints in DNS) from an etcd watch, and converges the
// part of each cluster project placed on this node (project-agent.ts), and
// serves the logs and exec other nodes ask of it (requests.ts). When etcd is out
// of reach the local containers keep running and the agent retries; when the
// node's lease expired meanwhile it registers again under a new lease and
// publishes its endpoints again.
import { writeFileSync } from 'node:fs';
import type { BerthConfig } from '../config.js';
import type { StatePaths } from '../state/paths.js';
import type { NetworkConfig } from '../network/types.js';
import { applyClusterEndpoints } from '../network/networks.js';
import { clusterEndpoints } from '../network/stores/cluster-endpoints.js';
import { etcdFor, keys, readMembership, writeMembership, type Membership } from '../network/stores/membership.js';
import { agentPidPath } from './agent-process.js';
import { republishEndpoints } from './endpoints.js';
import { ProjectAgent, type Workload } from './project-agent.js';
import { projectKeys } from './projects.js';
import { RequestServer } from './requests.js';

const log = (msg: string) => process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the agent takes from the configuration: the network layer's part, and its lease's TTL (BERTH_NODE_TTL). */
type AgentConfig = NetworkConfig & Pick<BerthConfig, 'nodeTtl'>;

async function converge(paths: StatePaths, cfg: AgentConfig, m: Membership): Promise<void> {
  const etcd = etcdFor(m.store);
  const { byNetwork } = await clusterEndpoints(m);
  // Broadcasts flood to the live nodes that use each network (a dead node's lease took its node record).
  const live = new Set((await etcd.list(keys(m.prefix).nodes)).kvs.map((kv) => kv.key.slice(keys(m.prefix).nodes.length)));
  const members = new Map<string, string[]>();
  const base = `${m.prefix}/members/`;
  for (const kv of (await etcd.list(base)).kvs) {
    const [net, node] = kv.key.slice(base.length).split('/');
    if (live.has(node!)) members.set(net!, [...(members.get(net!) ?? []), kv.value]);
  }
  const errs = await applyClusterEndpoints(paths, cfg, m.node, byNetwork, members);
  for (const e of errs) log(`converge: ${e.message}`);
}

/** A new lease and node record after the old lease expired (a partition, a stopped agent). */
async function rejoin(paths: StatePaths, cfg: AgentConfig, m: Membership): Promise<Membership> {
  const etcd = etcdFor(m.store);
  const lease = await etcd.leaseGrant(cfg.nodeTtl);
  const ok = await etcd.txn([{ key: keys(m.prefix).node(m.node), target: 'CREATE', createRevision: 0 }],
    [{ put: { key: keys(m.prefix).node(m.node), value: m.vtep, lease } }]);
  if (!ok) {
    await etcd.leaseRevoke(lease);
    throw new Error(`another live node holds the name ${m.node}`);
  }
  const next = { ...m, lease };
  writeMembership(paths, next);
  for (const c of await republishEndpoints(paths, next)) log(`address conflict: ${c}`);
  log(`registered again under lease ${lease}`);
  return next;
}

export async function runAgent(paths: StatePaths, cfg: AgentConfig, workloadOf: (log: (msg: string) => void) => Workload): Promise<void> {
  let m = readMembership(paths);
  if (!m) throw new Error('this host is not a node of a cluster');
  let stopping = false;
  let wake: (() => void) | undefined;
  const nudge = () => { wake?.(); };
  process.on('SIGTERM', () => { stopping = true; nudge(); });
  process.on('SIGINT', () => { stopping = true; nudge(); });
  const ttl = cfg.nodeTtl;

  // Lease keepalive, a third of the TTL apart.
  const keepalive = (async () => {
    while (!stopping) {
      try {
        if (!(await etcdFor(m!.store).leaseKeepAlive(m!.lease))) m = await rejoin(paths, cfg, m!);
      } catch (e) {
        log(`keepalive: ${(e as Error).message}`);
      }
      await sleep((ttl * 1000) / 3);
    }
  })();

  // Watch endpoints and memberships (the networks), projects and container rows (the projects);
  // converge on each change, and on a timer to repair drift and publish container state.
  let netDirty = true;
  let projDirty = true;
  let holding = false;
  const workload = workloadOf(log);
  const projects = new ProjectAgent(paths, workload, log);
  // logs and exec asked by other nodes of the services placed here.
  const requests = new RequestServer(() => m!, workload.serve, log);
  let watch: { close: () => void } | undefined;
  const rewatch = async () => {
    watch?.close();
    const { revision } = await etcdFor(m!.store).list(`${m!.prefix}/__none__`);
    watch = etcdFor(m!.store).watch(`${m!.prefix}/`, revision + 1, (evs) => {
      const k = keys(m!.prefix);
      const pk = projectKeys(m!.prefix);
      const on = (prefixes: string[]) => evs.some((e) => prefixes.some((p) => e.kv.key.startsWith(p)));
      if (on([k.allEndpoints, k.nodes, `${m!.prefix}/members/`])) { netDirty = true; nudge(); }
      if (on([pk.projects, pk.allRows, k.nodes])) { projDirty = true; nudge(); }
    }, (err) => { if (!stopping) { log(`watch closed${err ? `: ${err.message}` : ''}`); watch = undefined; netDirty = projDirty = true; nudge(); } });
  };
  writeFileSync(agentPidPath(paths), `${process.pid}\n`);
  log(`agent of node ${m.node} started`);
  void requests.start();
  let lastProjects = 0;
  while (!stopping) {
    try {
      if (!watch) await rewatch();
      if (netDirty) { netDirty = false; await converge(paths, cfg, m); }
    } catch (e) {
      log(`converge: ${(e as Error).message}`);
      netDirty = true;
    }
    // Held projects are looked at every 2 s even without a change: their containers' state is published from here.
    if (projDirty || (holding && Date.now() - lastProjects >= 2000)) {
      projDirty = false;
      lastProjects = Date.now();
      try {
        holding = await projects.converge(m);
      } catch (e) {
        log(`projects: ${(e as Error).message}`);
        projDirty = true;
      }
    }
    const dirty = netDirty || projDirty;
    await new Promise<void>((r) => { wake = r; setTimeout(r, dirty ? 1000 : holding ? 2000 : 5000); });
    wake = undefined;
  }
  watch?.close();
  requests.stop();
  await keepalive.catch(() => undefined);
  log('agent stopped');
}
