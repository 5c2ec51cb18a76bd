// Cluster projects, as the commands see them. The rule: a project is a
// cluster project when this host is a node of a cluster (it has
// <root>/cluster/node.json) and the project declares an overlay network.
// Then `up` places the services on the live nodes and writes the desired
// project to etcd, and each node's agent converges its part; `ps` and `down`
// act on every node through etcd. Any other project is a single-host project
// and never talks to etcd.
import type { Project } from '../compose/model.js';
import { replicasOf } from '../compose/normalize-service.js';
import { BerthError } from '../errors.js';
import { readMembership, type Membership } from '../network/stores/membership.js';
import type { ClusterProject, ClusterRow } from '../cluster/project-part.js';
import {
  clusterRows, convergeErrors, forgetClusterProject, holders, markRemoving, placeProject, readClusterProject,
} from '../cluster/projects.js';
import { pathsAt } from './state-root.js';
import { statusText, type PsRow } from './ps.js';
import { compareText } from '../text-order.js';

export type { ClusterProject } from '../cluster/project-part.js';
export type { Membership } from '../network/stores/membership.js';

const usesOverlay = (project: Project): boolean => Object.values(project.networks).some((n) => n.driver === 'overlay');

/** This node's membership when `project` is a cluster project (see the rule above). */
export function clusterFor(root: string | undefined, project: Project): Membership | undefined {
  return usesOverlay(project) ? readMembership(pathsAt(root)) : undefined;
}

/**
 * For commands given a project name (and maybe its file): the membership
 * when the cluster holds the project. Without the file, a node asks etcd; a
 * node that cannot reach etcd treats the name as a local project.
 */
export async function clusterHolding(root: string | undefined, name: string, project?: Project): Promise<Membership | undefined> {
  const m = project ? clusterFor(root, project) : readMembership(pathsAt(root));
  if (!m) return undefined;
  try {
    return (await readClusterProject(m, name)) ? m : undefined;
  } catch (e) {
    if (project) throw e;
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ClusterUpOptions {
  /** The state root: this node's agent is started again when it is not running (it converges this node's part). */
  root?: string;
  /** Give up waiting for the nodes after this long. */
  timeoutMs: number;
  /** --wait: services with a healthcheck must also be healthy. */
  healthy?: boolean;
  onPlaced?: (service: string, node: string) => void;
}

/** What still keeps the project from being up, in words; empty when it is. */
function pending(p: ClusterProject, done: Map<string, string>, rows: ClusterRow[], healthy: boolean): string[] {
  const out: string[] = [];
  for (const [name, svc] of Object.entries(p.project.services).sort(([a], [b]) => compareText(a, b))) {
    const node = p.placement[name]!;
    const mine = rows.filter((r) => r.Service === name);
    const up = mine.filter((r) => (r.State === 'running' && (!healthy || !r.Health || r.Health === 'healthy')) || r.State === 'exited');
    if (done.get(node) !== p.updated || up.length < replicasOf(svc)) out.push(`${name} (node ${node})`);
  }
  return out;
}

/**
 * `up` of a cluster project: place and write it (one transaction; nothing
 * written when a service cannot be placed), then wait until every node has
 * converged its part and each service's containers run.
 */
export async function clusterUp(m: Membership, project: Project, o: ClusterUpOptions): Promise<ClusterProject> {
  const p = await placeProject(m, project);
  // Loaded here only: nodes.js brings the netlink addon, which ps, logs and exec on a cluster project do not need.
  await (await import('../cluster/nodes.js')).ensureAgent(pathsAt(o.root));
  for (const [service, node] of Object.entries(p.placement)) o.onPlaced?.(service, node);
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const [held, rows, errors] = await Promise.all([heldBy(m, p.name), clusterRows(m, p.name), convergeErrors(m, p.name)]);
    const failed = [...errors].find(([, e]) => e.updated === p.updated);
    if (failed) throw new BerthError(`node ${failed[0]}: ${failed[1].message}`);
    const left = pending(p, held, rows, !!o.healthy);
    if (!left.length) return p;
    if (Date.now() > deadline) throw new BerthError(`project ${p.name}: not up after ${Math.round(o.timeoutMs / 1000)} s: ${left.join(', ')}`);
    await sleep(250);
  }
}

async function heldBy(m: Membership, name: string): Promise<Map<string, string>> {
  return new Map((await holders(m, name)).map((h) => [h.node, h.converged]));
}

/** `down` of a cluster project: every node withdraws its part; a node that is down has none left (its lease took it). */
export async function clusterDown(m: Membership, name: string, o: { volumes: boolean; timeoutMs: number }): Promise<string[]> {
  const p = await markRemoving(m, name, o.volumes);
  if (!p) return [];
  const nodes = [...new Set(Object.values(p.placement))].sort(compareText);
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const left = (await holders(m, name)).map((h) => h.node);
    if (!left.length) break;
    if (Date.now() > deadline) throw new BerthError(`project ${name}: node${left.length > 1 ? 's' : ''} ${left.join(', ')} did not withdraw within ${Math.round(o.timeoutMs / 1000)} s`);
    await sleep(250);
  }
  await forgetClusterProject(m, name);
  return nodes;
}

export interface ClusterPsRow extends PsRow { Node: string }

/** Every container of the project on every node, with its node; STATUS worked out now from the published times. */
export async function clusterPs(m: Membership, name: string, now = Date.now()): Promise<ClusterPsRow[]> {
  const rows = await clusterRows(m, name);
  return rows.map(({ StartedAt: _s, FinishedAt: _f, ...r }, i) => ({ ...r, Status: statusText(rows[i]!, now) }))
    .sort((a, b) => compareText(a.Service, b.Service) || a.Number - b.Number || compareText(a.Node, b.Node));
}
