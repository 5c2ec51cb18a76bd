// `berth system prune` and `berth system reset`: clean-up across every
// project of one state root. prune follows `docker system prune`: stopped
// containers, networks no container uses, dangling images (-a: every image no
// container uses), and with --volumes the anonymous volumes no container uses.
// reset goes further, for "undo everything berth did here": every project is
// taken down with its volumes (as `down -v --remove-orphans`), then every
// remaining network and volume, and berth's nftables table.
import { BerthError } from '../errors.js';
import { nftBatch, nftListTable } from '../network/firewall/nft.js';
import { pruneNetworks } from '../network/networks.js';
import { planDown, planRm } from '../reconcile/lifecycle.js';
import type { Plan } from '../reconcile/plan.js';
import type { StatePaths } from '../state/paths.js';
import { volumesInUse } from '../volume/in-use.js';
import { Engine } from './engine.js';
import { runProject, type Reporter } from './run.js';
import { LABELS } from '../compose-labels.js';
import { pruneContainers, removeContainer } from './container/lifecycle.js';

export interface SystemReport {
  containers: string[];
  networks: string[];
  volumes: string[];
  images: string[];
  reclaimed: number;
  /** reset: the nftables table removed, if it was there. */
  table?: string;
}

/** Every project with a container in this state root, in name order. */
function projectsOf(engine: Engine): string[] {
  const names = engine.containers.list().map((c) => c.record.labels[LABELS.project]).filter((n): n is string => !!n);
  return [...new Set(names)].sort();
}

interface Removed { containers: string[]; networks: string[]; volumes: string[] }

/** Runs one plan per project; returns what its actions removed (container ids, network and volume names). */
async function eachProject(engine: Engine, plan: (d: Parameters<typeof planRm>[0], a: Parameters<typeof planRm>[1]) => Plan, reporter?: Reporter): Promise<Removed> {
  const removed: Removed = { containers: [], networks: [], volumes: [] };
  for (const name of projectsOf(engine)) {
    const r = await runProject({ paths: engine.paths, projectName: name, plan, reporter });
    for (const a of r.plan.actions) {
      if (a.kind === 'container.remove' && a.containerId) removed.containers.push(a.containerId);
      else if (a.kind === 'network.remove') removed.networks.push(a.name);
      else if (a.kind === 'volume.remove') removed.volumes.push(a.name);
    }
  }
  return removed;
}

export async function systemPrune(paths: StatePaths, o: { all?: boolean; volumes?: boolean; reporter?: Reporter } = {}): Promise<SystemReport> {
  const engine = new Engine(paths);
  const { containers } = await eachProject(engine, (d, a) => planRm(d, a, {}), o.reporter);
  // The stopped containers outside any project (`container run|create`) too, as `container prune` removes them.
  const outside = await pruneContainers(engine);
  containers.push(...outside.deleted);
  const networks = await pruneNetworks(paths, engine.config);
  let volumes: string[] = [];
  let reclaimed = outside.reclaimed;
  if (o.volumes) {
    const v = await engine.volumes.prune(volumesInUse(engine.volumes), { all: false });
    volumes = v.removed;
    reclaimed += v.reclaimed;
  }
  const img = await engine.images.prune({ all: o.all });
  reclaimed += img.reclaimed;
  return { containers, networks, volumes, images: img.deleted, reclaimed };
}

export async function systemReset(paths: StatePaths, o: { reporter?: Reporter } = {}): Promise<SystemReport> {
  const engine = new Engine(paths);
  // The containers outside any project first: one may be attached to a project's network.
  const outside: string[] = [];
  for (const { record } of engine.containers.list().filter((c) => !c.record.labels[LABELS.project])) {
    outside.push(await removeContainer(engine, record.id, { force: true, volumes: true }));
  }
  const down = await eachProject(engine, (d, a) => planDown(d, a, { removeVolumes: true, removeOrphans: true }), o.reporter);
  down.containers.unshift(...outside);
  const left = engine.containers.list();
  if (left.length) throw new BerthError(`system reset: ${left.length} container(s) outside any project remain: ${left.map((c) => c.record.name).join(', ')}`);
  const networks = await pruneNetworks(paths, engine.config);
  const v = await engine.volumes.prune(volumesInUse(engine.volumes), { all: true });
  // The table goes with its last network; one left by a crash goes here.
  const table = engine.config.nftTable;
  let removedTable: string | undefined;
  if (await nftListTable(table)) {
    await nftBatch([{ delete: { table: { family: 'inet', name: table } } }]);
    removedTable = `inet ${table}`;
  }
  return {
    containers: down.containers, networks: [...down.networks, ...networks], volumes: [...down.volumes, ...v.removed],
    images: [], reclaimed: v.reclaimed, ...(removedTable ? { table: removedTable } : {}),
  };
}
