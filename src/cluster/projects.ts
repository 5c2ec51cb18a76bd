// A cluster project in etcd:
//   <prefix>/projects/<name>                   the desired project and its placement (ClusterProject)
//   <prefix>/containers/<name>/<node>/<ctr>    each container's row, under its node's lease
//   <prefix>/held/<name>/<node>                a node holds a part of the project, under its lease
//   <prefix>/errors/<name>/<node>              why the node could not converge its part, under its lease
// `up` writes the first in one transaction; the node agents converge their
// part and publish the others; `down` marks the project removing, waits for
// every node to withdraw, then deletes it.
import { BerthError } from '../errors.js';
import type { Project } from '../compose/model.js';
import { replicasOf } from '../compose/normalize-service.js';
import { etcdFor, keys, type Membership } from '../network/stores/membership.js';
import { constraintsOf, placeServices, type PlacementNode } from './placement.js';
import type { ClusterProject, ClusterRow } from './project-part.js';
import type { NodeInfo } from './nodes.js';

type Cluster = Pick<Membership, 'store' | 'prefix'>;

export const projectKeys = (prefix: string) => ({
  project: (name: string) => `${prefix}/projects/${name}`,
  projects: `${prefix}/projects/`,
  rows: (project: string) => `${prefix}/containers/${project}/`,
  nodeRows: (project: string, node: string) => `${prefix}/containers/${project}/${node}/`,
  row: (project: string, node: string, name: string) => `${prefix}/containers/${project}/${node}/${name}`,
  allRows: `${prefix}/containers/`,
  held: (project: string, node: string) => `${prefix}/held/${project}/${node}`,
  holders: (project: string) => `${prefix}/held/${project}/`,
  error: (project: string, node: string) => `${prefix}/errors/${project}/${node}`,
  errors: (project: string) => `${prefix}/errors/${project}/`,
});

/** The live nodes with their labels and how many containers each runs for projects other than `except`. */
async function placementNodes(m: Cluster, except: string): Promise<PlacementNode[]> {
  const etcd = etcdFor(m.store);
  const k = keys(m.prefix);
  const [alive, infos, rows] = await Promise.all([etcd.list(k.nodes), etcd.list(`${m.prefix}/nodeinfo/`), etcd.list(projectKeys(m.prefix).allRows)]);
  const labels = new Map(infos.kvs.map((kv) => JSON.parse(kv.value) as NodeInfo).map((i) => [i.name, i.labels]));
  const count = new Map<string, number>();
  for (const kv of rows.kvs) {
    const [project, node] = kv.key.slice(projectKeys(m.prefix).allRows.length).split('/');
    if (project !== except) count.set(node!, (count.get(node!) ?? 0) + 1);
  }
  return alive.kvs.map((kv) => kv.key.slice(k.nodes.length)).map((name) => ({ name, labels: labels.get(name) ?? {}, containers: count.get(name) ?? 0 }));
}

export async function readClusterProject(m: Cluster, name: string): Promise<{ record: ClusterProject; modRevision: number } | undefined> {
  const kv = await etcdFor(m.store).get(projectKeys(m.prefix).project(name));
  return kv ? { record: JSON.parse(kv.value) as ClusterProject, modRevision: kv.modRevision } : undefined;
}

export async function listClusterProjects(m: Cluster): Promise<ClusterProject[]> {
  return (await etcdFor(m.store).list(projectKeys(m.prefix).projects)).kvs.map((kv) => JSON.parse(kv.value) as ClusterProject);
}

/** What a node needs of the project: the model without the shell environment it was loaded with. */
function portable(project: Project): Project {
  return { ...project, environment: {}, warnings: [] };
}

/**
 * Places the project's services on the live nodes and writes the desired
 * project in one transaction (which fails, and writes nothing, when another
 * `up` or `down` changed it meanwhile). A service nothing can take is one
 * error and nothing is written.
 */
export async function placeProject(m: Cluster, project: Project): Promise<ClusterProject> {
  const etcd = etcdFor(m.store);
  const key = projectKeys(m.prefix).project(project.name);
  const before = await readClusterProject(m, project.name);
  if (before?.record.removing) throw new BerthError(`project ${project.name} is being removed from the cluster; try again when berth down has finished`);
  const demands = Object.entries(project.services).map(([name, s]) => ({ name, replicas: replicasOf(s), constraints: constraintsOf(name, s.deploy) }));
  const placement = placeServices(demands, await placementNodes(m, project.name), before?.record.placement);
  const record: ClusterProject = { name: project.name, project: portable(project), placement, updated: new Date().toISOString() };
  const ok = await etcd.txn(
    [before ? { key, target: 'MOD', modRevision: before.modRevision } : { key, target: 'CREATE', createRevision: 0 }],
    [{ put: { key, value: JSON.stringify(record) } }]);
  if (!ok) throw new BerthError(`project ${project.name} was changed in the cluster meanwhile; try again`);
  return record;
}

/** `down`: every node withdraws its part when it sees this. */
export async function markRemoving(m: Cluster, name: string, volumes: boolean): Promise<ClusterProject | undefined> {
  const before = await readClusterProject(m, name);
  if (!before) return undefined;
  const key = projectKeys(m.prefix).project(name);
  const record: ClusterProject = { ...before.record, removing: { volumes }, updated: new Date().toISOString() };
  if (!(await etcdFor(m.store).txn([{ key, target: 'MOD', modRevision: before.modRevision }], [{ put: { key, value: JSON.stringify(record) } }]))) {
    throw new BerthError(`project ${name} was changed in the cluster meanwhile; try again`);
  }
  return record;
}

export async function forgetClusterProject(m: Cluster, name: string): Promise<void> {
  const k = projectKeys(m.prefix);
  await etcdFor(m.store).txn([], [
    { delete: { key: k.project(name) } }, { delete: { key: k.rows(name), prefix: true } }, { delete: { key: k.holders(name), prefix: true } },
    { delete: { key: k.errors(name), prefix: true } },
  ]);
}

/** What a node holding a part of a project says of it: the update of the project it last fully converged. */
export interface Holding { converged: string }
export interface ConvergeError { updated: string; message: string }

/** The nodes that still hold a part of the project (their leases keep these keys). */
export async function holders(m: Cluster, name: string): Promise<Array<{ node: string } & Holding>> {
  const base = projectKeys(m.prefix).holders(name);
  return (await etcdFor(m.store).list(base)).kvs.map((kv) => ({ node: kv.key.slice(base.length), ...(JSON.parse(kv.value) as Holding) }));
}

/** Every published container row of a project (all projects when `name` is absent). */
export async function clusterRows(m: Cluster, name?: string): Promise<ClusterRow[]> {
  const k = projectKeys(m.prefix);
  return (await etcdFor(m.store).list(name ? k.rows(name) : k.allRows)).kvs.map((kv) => JSON.parse(kv.value) as ClusterRow);
}

/** Why nodes could not converge their part of the project, by node. */
export async function convergeErrors(m: Cluster, name: string): Promise<Map<string, ConvergeError>> {
  const base = projectKeys(m.prefix).errors(name);
  return new Map((await etcdFor(m.store).list(base)).kvs.map((kv) => [kv.key.slice(base.length), JSON.parse(kv.value) as ConvergeError]));
}
