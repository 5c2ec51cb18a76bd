// The container half of the executor's Drivers: a Compose service container
// is its image's rootfs, resolved mounts, a network endpoint and /etc files,
// handed to the container layer; removal undoes each of those. Every step
// that creates a host object is recorded first (pending.ts, labels) so that
// an interrupted command is finished by the next one.
import { randomHex } from '../hashing.js';
import { existsSync } from 'node:fs';
import { isCorruptRecord } from '../state/atomic.js';
import type { Project } from '../compose/model.js';
import { containerPaths } from '../container/paths.js';
import { observeStatus } from '../container/status.js';
import { composeLabels, nameOf, readRecord, releaseName, reserveName, writeRecord, type ContainerRecord } from '../container/record.js';
import type { MountInput } from '../container/types.js';
import { BerthError } from '../errors.js';
import type { DesiredProject } from '../reconcile/desired.js';
import type { Drivers } from '../reconcile/execute.js';
import type { ContainerAction } from '../reconcile/plan.js';
import { volumesInUse } from '../volume/in-use.js';
import { resolveMounts, type MountSpec } from '../volume/mounts.js';
import { ensureNetwork, etcFilesFor, setupNetwork, teardownNetwork } from './container-network.js';
import { crashPoint } from '../state/crash.js';
import { DoomedVolumes } from './doomed-volumes.js';
import { fileObjectMounts, removeFileObjects } from './file-objects.js';
import { volumesFrom } from './volumes-from.js';
import type { Engine } from './engine.js';
import { PendingStore } from './pending.js';
import { namespaceModes } from './namespace-modes.js';
import { oomScoreAdjRefusal, ulimitRefusals } from '../container/oom-score.js';
import { serviceSpec } from './service-spec.js';
import { runLifecycleHooks } from './service-hooks.js';
import { LABELS } from '../compose-labels.js';

/** Label holding the container's volumes: { volumes: names, anonymous: target → name }. */
const VOLUMES_LABEL = 'io.berth.volumes';

interface VolumeUse { volumes: string[]; anonymous: Record<string, string> }

/** The container's record, or undefined when it has none or it cannot be read (a removal goes on without it). */
function readableRecord(engine: Engine, id: string): ContainerRecord | undefined {
  try {
    return readRecord(containerPaths(engine.paths, id).record);
  } catch (e) {
    if (isCorruptRecord(e)) return undefined;
    throw e;
  }
}

function volumeUseOf(rec: ContainerRecord | undefined): VolumeUse {
  try { return JSON.parse(rec?.labels[VOLUMES_LABEL] ?? '') as VolumeUse; } catch { return { volumes: [], anonymous: {} }; }
}

const PROPAGATION = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'] as const;

/** The volume layer's MountSpec → the container layer's mounts (tmpfs as `tmpfs:` entries, which keep their options). */
function toContainerMounts(specs: MountSpec[]): { mounts: MountInput[]; tmpfs: string[] } {
  const mounts: MountInput[] = [];
  const tmpfs: string[] = [];
  for (const m of specs) {
    if (m.type === 'tmpfs') { tmpfs.push(`${m.target}:${m.options.join(',')}`); continue; }
    const propagation = PROPAGATION.find((p) => m.options.includes(p));
    mounts.push({ type: 'bind', source: m.source, target: m.target, readOnly: m.options.includes('ro'), ...(propagation ? { propagation } : {}) });
  }
  return { mounts, tmpfs };
}

export interface ContainerDriverOptions {
  /** -t/--timeout: seconds before SIGKILL on stop (default: the service's stop_grace_period). */
  timeout?: number;
  /** A warning for the user (an option the host cannot fully honour). */
  warn?: (message: string) => void;
  /** Engine-level containers (`container run|create`): no Compose labels on them or their anonymous volumes. */
  engine?: boolean;
}

export function containerDrivers(engine: Engine, project: Project | undefined, desired: DesiredProject, opts: ContainerDriverOptions = {}): Omit<Drivers, 'createNetwork' | 'removeNetwork' | 'createVolume' | 'removeVolume' | 'pullImage' | 'buildImage' | 'removeImage' | 'waitCondition'> {
  const c = engine.containers;
  const pending = new PendingStore(engine.paths, desired.name);
  const doomed = new DoomedVolumes(engine.paths, desired.name);
  const volumeByKey = Object.fromEntries(desired.volumes.map((v) => [v.key, v.name]));
  // Containers this run created: their network was made moments ago, so their first start skips ensureNetwork's check.
  const createdHere = new Set<string>();

  async function create(a: ContainerAction): Promise<void> {
    const s = project?.services[a.service];
    const svc = desired.services.find((x) => x.name === a.service);
    if (!project || !s || !svc) throw new BerthError(`service ${a.service} is not defined in the project`);
    const image = engine.images.resolve(svc.image);
    const rootfs = engine.images.rootfsLayers(image.id);
    const id = randomHex(32);
    const old = a.kind === 'container.recreate' && a.containerId ? readableRecord(engine, a.containerId) : undefined;
    const undo: Array<() => Promise<void> | void> = [];
    const marker = { id, name: a.name, netns: true, newAnonymous: [] as string[], volumes: [] as string[], copyUp: false };
    pending.write(marker);
    crashPoint('create-marked');
    try {
      await engine.images.acquire(image.id, id);
      undo.push(() => engine.images.release(id));
      const previous = volumeUseOf(old).anonymous;
      const resolved = await resolveMounts(s.volumes ?? [], [], {
        store: engine.volumes, projectVolumes: volumeByKey,
        anonymousLabels: opts.engine ? {} : { [LABELS.project]: desired.name, [LABELS.service]: a.service },
        previousAnonymous: previous, renewAnonVolumes: a.renewAnonVolumes,
      });
      marker.newAnonymous = Object.values(resolved.anonymous).filter((n) => !Object.values(previous).includes(n) || a.renewAnonVolumes);
      marker.volumes = [...new Set(resolved.mounts.flatMap((m) => (m.volume ? [m.volume.name] : [])))];
      pending.write(marker);
      undo.push(async () => {
        const inUse = volumesInUse(engine.volumes);
        for (const v of marker.volumes) engine.volumes.detach(v, id);
        for (const v of marker.newAnonymous) await engine.volumes.remove(v, inUse, { force: true }).catch(() => undefined);
      });
      for (const v of marker.volumes) engine.volumes.attach(v, id);
      const net = await setupNetwork(engine, project, a.service, s, id, a.name, undo);
      crashPoint('create-network');
      undo.push(() => removeFileObjects(engine.paths, desired.name, id));
      const files = fileObjectMounts(engine.paths, project, s, id);
      const from = volumesFrom(engine, project, s.volumes_from ?? [], (l) => volumeUseOf({ labels: l } as ContainerRecord).volumes);
      const { mounts, tmpfs } = toContainerMounts(resolved.mounts);
      const own = new Set(mounts.map((m) => m.target));
      mounts.unshift(...from.mounts.filter((m) => !own.has(m.target)));
      mounts.push(...files);
      for (const v of from.volumes) if (!marker.volumes.includes(v)) { marker.volumes.push(v); engine.volumes.attach(v, id); }
      pending.write(marker);
      const labels = {
        ...(opts.engine ? {} : composeLabels({ project: desired.name, service: a.service, number: a.number, configHash: svc.configHash, workingDir: project.workingDir, configFiles: project.composeFiles })),
        [VOLUMES_LABEL]: JSON.stringify({ volumes: marker.volumes, anonymous: resolved.anonymous }),
      };
      const input = serviceSpec(s, {
        id, name: a.name, image: { ref: svc.image, id: image.id, config: image.config }, rootfs, labels, mounts,
        network: net.network, etcFiles: etcFilesFor(engine, s, id, net), projectDir: project.workingDir,
      });
      input.tmpfs = [...(input.tmpfs ?? []), ...tmpfs];
      const oom = oomScoreAdjRefusal(input.oomScoreAdj);
      if (oom) opts.warn?.(`service "${a.service}": ${oom}`);
      for (const w of ulimitRefusals(input.ulimits)) opts.warn?.(`service "${a.service}": ${w}`);
      Object.assign(input, namespaceModes(engine, project, s));
      const copies = resolved.mounts.filter((m) => m.volume?.copyUp);
      if (copies.length) { marker.copyUp = true; pending.write(marker); }
      const rec = await c.create(input);
      undo.push(() => c.remove(id, { force: true }));
      // The DNS sync ran beside the create: the container counts as created once its names resolve.
      await net.dnsLoaded;
      crashPoint('create-copy-up');
      // Before the first start: the image's content at a new volume's mount point goes into it.
      for (const m of copies) await engine.volumes.copyUp(m.volume!.name, rec.rootfs, m.target);
    } catch (e) {
      for (const step of undo.reverse()) { try { await step(); } catch { /* report the original error */ } }
      pending.clear(id);
      throw e;
    }
    pending.clear(id);
    createdHere.add(id);
  }

  /** The service's pre_stop hooks, in a running container only (a paused or stopped one cannot exec). */
  async function preStop(ref: string | ContainerRecord, service: string): Promise<void> {
    const hooks = project?.services[service]?.pre_stop;
    if (!hooks?.length) return;
    const rec = typeof ref === 'string' ? c.resolve(ref) : ref;
    if (observeStatus(c.pathsOf(rec.id), rec.id).status !== 'running') return;
    await runLifecycleHooks(c, rec, 'pre_stop', hooks);
  }

  async function remove(a: ContainerAction): Promise<void> {
    const id = a.containerId ?? c.resolve(a.name).id;
    const rec = readableRecord(engine, id);
    const use = volumeUseOf(rec);
    if (rec) {
      await preStop(rec, a.service);
      const obs = observeStatus(c.pathsOf(id), id);
      if (obs?.shimAlive && obs.state?.status !== 'exited') await c.stop(id, { timeout: opts.timeout ?? rec.shim.stopTimeout });
    }
    await teardownNetwork(engine, id);
    crashPoint('remove-network');
    for (const v of use.volumes) { try { engine.volumes.detach(v, id); } catch { /* volume gone */ } }
    const anonymous = a.removeVolumes ? Object.values(use.anonymous) : [];
    doomed.note(anonymous, id); // a crash from here on must not leak them
    await engine.images.release(id);
    await c.remove(id, { force: true });
    removeFileObjects(engine.paths, desired.name, id);
    crashPoint('container-removed');
    await doomed.removeAll(engine.volumes, anonymous);
  }

  return {
    createContainer: create,
    async renameContainer(a, newName) {
      // The old container leaves its networks now: its addresses and ports go to the new one.
      const id = a.containerId!;
      await teardownNetwork(engine, id);
      const p = containerPaths(engine.paths, id);
      const rec = readableRecord(engine, id);
      if (!rec && existsSync(p.record)) {
        // Unreadable: it only has to give up its name (it is removed next, by id).
        const held = nameOf(engine.paths, id).name;
        if (held) releaseName(engine.paths, held, id);
        return;
      }
      if (!rec) throw new BerthError(`container ${a.currentName ?? id.slice(0, 12)} has no record`);
      reserveName(engine.paths, newName, id);
      const oldName = rec.name;
      writeRecord(p.record, { ...rec, name: newName });
      releaseName(engine.paths, oldName, id);
    },
    async startContainer(a) {
      const rec = c.resolve(a.containerId ?? a.name);
      if (!createdHere.delete(rec.id)) await ensureNetwork(engine, project, a.service, rec.id, rec.name, rec.input.network);
      await c.start(rec.id);
      crashPoint('container-started');
      await runLifecycleHooks(c, rec, 'post_start', project?.services[a.service]?.post_start);
    },
    async stopContainer(a) {
      const ref = a.containerId ?? a.name;
      await preStop(ref, a.service);
      await c.stop(ref, opts.timeout !== undefined ? { timeout: opts.timeout } : {});
    },
    removeContainer: remove,
    async killContainer(a) { await c.kill(a.containerId ?? a.name, a.signal ?? 'SIGKILL'); },
    async pauseContainer(a) { await c.pause(a.containerId ?? a.name); },
    async unpauseContainer(a) { await c.unpause(a.containerId ?? a.name); },
    async restartContainer(a) {
      const rec = c.resolve(a.containerId ?? a.name);
      await preStop(rec, a.service);
      await c.stop(rec.id, opts.timeout !== undefined ? { timeout: opts.timeout } : {});
      await ensureNetwork(engine, project, a.service, rec.id, rec.name, rec.input.network);
      await c.start(rec.id);
      await runLifecycleHooks(c, rec, 'post_start', project?.services[a.service]?.post_start);
    },
  };
}

/** Finishes or undoes the creations a crash interrupted (see pending.ts). */
export async function repairPending(engine: Engine, project: string): Promise<void> {
  await new DoomedVolumes(engine.paths, project).removeAll(engine.volumes);
  const pending = new PendingStore(engine.paths, project);
  for (const p of pending.list()) {
    if (pending.hasRecord(p.id) && !p.copyUp) { pending.clear(p.id); continue; }
    await teardownNetwork(engine, p.id);
    const inUse = volumesInUse(engine.volumes);
    for (const v of p.volumes) { try { engine.volumes.detach(v, p.id); } catch { /* gone */ } }
    for (const v of p.newAnonymous) await engine.volumes.remove(v, inUse, { force: true }).catch(() => undefined);
    await engine.images.release(p.id);
    await engine.containers.remove(p.id, { force: true });
    // A create killed after it reserved the name but before its record was
    // written leaves a reservation that remove() cannot see: free it here,
    // or the next create of that name waits out the stale-reservation delay.
    releaseName(engine.paths, p.name, p.id);
    removeFileObjects(engine.paths, project, p.id);
    pending.clear(p.id);
  }
}
