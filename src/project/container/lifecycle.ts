// The engine-level lifecycle verbs on containers named by id, id prefix or
// name: start, stop, restart, kill, pause, unpause, rm, rename, wait, prune.
// They act on any container of the state root, Compose's included (as docker
// does); removal goes through the container driver so that endpoints,
// volumes, image holds and file objects go with it.
import { BerthError } from '../../errors.js';
import { readRecord, releaseName, reserveName, writeRecord, type ContainerRecord } from '../../container/record.js';
import { observeStatus } from '../../container/status.js';
import type { DesiredProject } from '../../reconcile/desired.js';
import { LABELS } from '../../compose-labels.js';
import { parseTimeArg } from '../../logs/time.js';
import { renameEndpoint } from '../../network/endpoints.js';
import { diskUsage } from '../../volume/store.js';
import { containerDrivers } from '../container-driver.js';
import { labelMatches, parseFilters } from '../filters.js';
import { containerRows, type PsRow } from '../ps.js';
import { ensureNetwork } from '../container-network.js';
import type { Engine } from '../engine.js';
import { lockEngine } from './lock.js';
import { ENGINE_SCOPE } from './run-spec.js';

/** The record a reference names, or docker's "No such container" (exit 1). */
export function containerOf(engine: Engine, ref: string): ContainerRecord {
  try {
    return engine.containers.resolve(ref);
  } catch (e) {
    if (e instanceof BerthError && /^no such container/.test(e.message)) throw new BerthError(`No such container: ${ref}`);
    throw e;
  }
}

export function statusOf(engine: Engine, rec: ContainerRecord) {
  return observeStatus(engine.containers.pathsOf(rec.id), rec.id);
}

export async function startContainer(engine: Engine, ref: string): Promise<void> {
  const rec = containerOf(engine, ref);
  const st = statusOf(engine, rec).status;
  if (st === 'running' || st === 'restarting') return;
  if (st === 'paused') throw new BerthError(`cannot start a paused container, try unpause instead`);
  // Its netns is made again when a reboot took it away (the endpoint record still holds its addresses).
  await ensureNetwork(engine, undefined, '', rec.id, rec.name, rec.input.network);
  await engine.containers.start(rec.id);
}

export async function stopContainer(engine: Engine, ref: string, o: { timeout?: number; signal?: string }): Promise<void> {
  const rec = containerOf(engine, ref);
  await engine.containers.stop(rec.id, { timeout: o.timeout ?? rec.shim.stopTimeout, ...(o.signal ? { signal: o.signal } : {}) });
}

export async function restartContainer(engine: Engine, ref: string, o: { timeout?: number; signal?: string }): Promise<void> {
  await stopContainer(engine, ref, o);
  await startContainer(engine, ref);
}

export async function killContainer(engine: Engine, ref: string, signal = 'SIGKILL'): Promise<void> {
  const rec = containerOf(engine, ref);
  const st = statusOf(engine, rec).status;
  if (st !== 'running' && st !== 'paused' && st !== 'restarting') throw new BerthError(`cannot kill container: ${ref}: container ${rec.id} is not running`);
  await engine.containers.kill(rec.id, signal);
}

export async function pauseContainer(engine: Engine, ref: string): Promise<void> {
  const rec = containerOf(engine, ref);
  const st = statusOf(engine, rec).status;
  if (st === 'paused') throw new BerthError(`container ${rec.id} is already paused`);
  if (st !== 'running') throw new BerthError(`container ${rec.id} is not running`);
  await engine.containers.pause(rec.id);
}

export async function unpauseContainer(engine: Engine, ref: string): Promise<void> {
  const rec = containerOf(engine, ref);
  if (statusOf(engine, rec).status !== 'paused') throw new BerthError(`container ${rec.id} is not paused`);
  await engine.containers.unpause(rec.id);
}

/** The driver's view of the scope a container belongs to (its Compose project, or the engine's). */
function scopeOf(rec: ContainerRecord): DesiredProject {
  return { name: rec.labels[LABELS.project] ?? ENGINE_SCOPE, services: [], networks: [], volumes: [] };
}

/** Removes a container (force: a running one is stopped at once, SIGKILL); volumes: its anonymous volumes too. */
export async function removeContainer(engine: Engine, ref: string, o: { force?: boolean; volumes?: boolean }): Promise<string> {
  const rec = containerOf(engine, ref);
  const st = statusOf(engine, rec).status;
  const up = st === 'running' || st === 'paused' || st === 'restarting';
  if (up && !o.force) {
    throw new BerthError(`cannot remove container "/${rec.name}": container is running: stop the container before removing or force remove`);
  }
  const lock = await lockEngine(engine);
  try {
    const service = rec.labels[LABELS.service] ?? rec.name;
    await containerDrivers(engine, undefined, scopeOf(rec), { timeout: 0 }).removeContainer({
      id: 1, after: [], kind: 'container.remove', resource: 'Container', name: rec.name, service, number: 1, containerId: rec.id, removeVolumes: !!o.volumes,
    });
  } finally {
    lock.release();
  }
  return rec.id;
}

/**
 * `run -d --rm` with no daemon to remove the container when it exits: it is
 * labelled, and the next engine command that creates or lists containers
 * removes those that have exited (with their anonymous volumes, as --rm does).
 */
export const AUTO_REMOVE_LABEL = 'io.berth.auto-remove';

export async function sweepAutoRemoved(engine: Engine): Promise<void> {
  for (const { record, observed } of engine.containers.list()) {
    if (record.labels[AUTO_REMOVE_LABEL] !== 'true' || (observed.status !== 'exited' && observed.status !== 'dead')) continue;
    await removeContainer(engine, record.id, { force: true, volumes: true }).catch(() => undefined);
  }
}

/** Every container, Compose's included, after the exited `run -d --rm` ones are gone. */
export async function listContainers(engine: Engine): Promise<PsRow[]> {
  await sweepAutoRemoved(engine);
  return containerRows(engine);
}

/** Gives a container a new name (in the one namespace of names every container shares); its DNS name follows. */
export async function renameContainer(engine: Engine, ref: string, to: string): Promise<void> {
  const rec = containerOf(engine, ref);
  if (rec.name === to) throw new BerthError(`Renaming a container with the same name as its current name`);
  const path = engine.containers.pathsOf(rec.id).record;
  reserveName(engine.paths, to, rec.id);
  const now = readRecord(path)!;
  writeRecord(path, { ...now, name: to });
  releaseName(engine.paths, rec.name, rec.id);
  await renameEndpoint(engine.paths, engine.config, rec.id, rec.name, to);
}

/** Blocks until the container stops; its exit code. */
export async function waitContainer(engine: Engine, ref: string): Promise<number> {
  const rec = containerOf(engine, ref);
  return (await engine.containers.wait(rec.id)).exitCode;
}

export interface PruneResult { deleted: string[]; reclaimed: number }

/** Removes every stopped container (exited, created, dead) whose labels match (`label=k[=v]`, `label!=...`). */
export async function pruneContainers(engine: Engine, filters: string[] = []): Promise<PruneResult> {
  const keep = labelFilter(filters);
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const { record, observed } of engine.containers.list()) {
    if (observed.status !== 'exited' && observed.status !== 'created' && observed.status !== 'dead') continue;
    if (!keep(record.labels, record.created)) continue;
    const size = diskUsage(record.upper);
    await removeContainer(engine, record.id, { force: true });
    deleted.push(record.id);
    reclaimed += size;
  }
  return { deleted, reclaimed };
}

/** docker's prune filters: label=K[=V], label!=K[=V], until=<time or duration>. */
function labelFilter(filters: string[]): (labels: Record<string, string>, created: string) => boolean {
  const tests = parseFilters(filters, ['label', 'label!', 'until']).map(({ key, value }): ((l: Record<string, string>, created: string) => boolean) => {
    if (key === 'until') {
      const limit = Date.parse(parseTimeArg('until', value));
      return (_l, created) => Date.parse(created) < limit;
    }
    return key === 'label' ? (l) => labelMatches(l, value) : (l) => !labelMatches(l, value);
  });
  return (l, created) => tests.every((t) => t(l, created));
}
