// The pure heart of `up` (and `create`): desired project + actual state →
// Plan. No I/O: everything it knows comes in as data, so its tests are golden
// files. The rules follow docker compose's convergence.
import { compareText } from '../text-order.js';
import { BerthError, UsageError } from '../errors.js';
import { isActive, type ActualContainer, type ActualState } from './actual.js';
import { containerNameFor, type DesiredProject, type DesiredService } from './desired.js';
import { ImagePlanner, type ImageOptions } from './images.js';
import { PlanBuilder, type Plan } from './plan.js';
import { planNetworks, planVolumes } from './resources.js';
import { selectServices } from './select.js';

export interface UpOptions extends ImageOptions {
  /** Services named on the command line (default: every enabled service). */
  services?: string[];
  /** --no-deps: do not include or wait for dependencies. */
  noDeps?: boolean;
  forceRecreate?: boolean;
  noRecreate?: boolean;
  /** --always-recreate-deps: dependencies of the named services are recreated too. */
  alwaysRecreateDeps?: boolean;
  removeOrphans?: boolean;
  /** COMPOSE_IGNORE_ORPHANS: orphans are neither removed nor warned about. */
  ignoreOrphans?: boolean;
  /** --scale svc=N. */
  scale?: Record<string, number>;
  /** --no-start (and `create`): create only. */
  noStart?: boolean;
  /** -V/--renew-anon-volumes. */
  renewAnonVolumes?: boolean;
  /** --wait: finish by waiting for every service to be running, or healthy when it has a healthcheck. */
  wait?: boolean;
}

/** Containers of the project whose service the file no longer defines (one-off ones excluded). */
export function findOrphans(desired: DesiredProject, actual: ActualState): ActualContainer[] {
  const known = new Set(desired.services.map((s) => s.name));
  return actual.containers.filter((c) => !c.oneoff && !known.has(c.service));
}

export function orphanWarning(orphans: ActualContainer[]): string {
  return `found orphan containers ([${orphans.map((c) => c.name).join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`;
}

function checkOptions(desired: DesiredProject, opts: UpOptions): void {
  if (opts.forceRecreate && opts.noRecreate) throw new UsageError('--force-recreate and --no-recreate are incompatible');
  if (opts.alwaysRecreateDeps && opts.noRecreate) throw new UsageError('--always-recreate-deps and --no-recreate are incompatible');
  if (opts.build && opts.noBuild) throw new UsageError('--build and --no-build are incompatible');
  for (const [name, n] of Object.entries(opts.scale ?? {})) {
    if (!desired.services.some((s) => s.name === name)) throw new BerthError(`--scale: no such service: ${name}`);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--scale ${name}=${n}: the number of replicas must be a non-negative integer`);
  }
}

/** Why a container must be recreated, or undefined to keep it. */
function recreateReason(svc: DesiredService, c: ActualContainer, forced: boolean, opts: UpOptions, recreatedDeps: string[], recreatedShared: string[], expectedName: string): string | undefined {
  if (opts.noRecreate) return undefined;
  if (forced) return opts.forceRecreate ? '--force-recreate' : '--always-recreate-deps';
  if (c.configHash !== svc.configHash) return 'config hash changed';
  if (c.status === 'dead') return 'container is dead';
  if (c.name !== expectedName) return 'interrupted recreate';
  if (svc.imageId && c.imageId && svc.imageId !== c.imageId) return 'image changed';
  if (recreatedDeps.length) return `dependency ${recreatedDeps.join(', ')} recreated`;
  if (recreatedShared.length) return `shares ${recreatedShared.join(', ')}, recreated`;
  return undefined;
}

/** Per container number, the one to keep: current config first, then the canonical name, then running. */
function splitDuplicates(sorted: ActualContainer[], svc: DesiredService, project: string): { unique: ActualContainer[]; duplicates: ActualContainer[] } {
  const unique: ActualContainer[] = [];
  const duplicates: ActualContainer[] = [];
  const score = (c: ActualContainer) => (c.configHash === svc.configHash ? 4 : 0)
    + (c.name === containerNameFor(project, svc, c.number) ? 2 : 0) + (isActive(c) ? 1 : 0);
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j].number === sorted[i].number) j++;
    const group = sorted.slice(i, j).sort((x, y) => score(y) - score(x) || compareText(x.name, y.name));
    unique.push(group[0]);
    duplicates.push(...group.slice(1));
    i = j;
  }
  return { unique, duplicates };
}

/** Services not in `order` with containers that share (transitively) a service in it. */
function sharingHolders(desired: DesiredProject, actual: ActualState, order: Set<string>): Set<string> {
  const out = new Set<string>();
  const withContainers = new Set(actual.containers.filter((c) => !c.oneoff).map((c) => c.service));
  for (let grew = true; grew;) {
    grew = false;
    for (const s of desired.services) {
      if (!s.enabled || order.has(s.name) || out.has(s.name) || !withContainers.has(s.name)) continue;
      if ((s.shares ?? []).some((d) => order.has(d) || out.has(d))) { out.add(s.name); grew = true; }
    }
  }
  return out;
}

/** Recreates the existing containers of a holder (see sharingHolders); the running ones start again. */
function planHolder(b: PlanBuilder, project: string, svc: DesiredService, existing: ActualContainer[], shared: string[], after: number[], depStarts: number[], opts: UpOptions): { creates: number[]; starts: number[] } {
  const creates: number[] = [];
  const starts: number[] = [];
  for (const c of existing) {
    const name = containerNameFor(project, svc, c.number);
    const id = b.add({ kind: 'container.recreate', resource: 'Container', name, service: svc.name, number: c.number, containerId: c.id, currentName: c.name, renewAnonVolumes: opts.renewAnonVolumes || undefined, reason: `shares ${shared.join(', ')}, recreated`, after });
    creates.push(id);
    if (isActive(c) && !opts.noStart) starts.push(b.add({ kind: 'container.start', resource: 'Container', name, service: svc.name, number: c.number, after: [...depStarts, id] }));
  }
  return { creates, starts };
}

export function reconcile(desired: DesiredProject, actual: ActualState, opts: UpOptions = {}): Plan {
  checkOptions(desired, opts);
  const b = new PlanBuilder(desired.name);
  const sel = selectServices(desired, opts.services, !opts.noDeps, b);

  const orphans = findOrphans(desired, actual);
  if (orphans.length && opts.removeOrphans) {
    for (const c of orphans) {
      const stop = isActive(c) ? [b.add({ kind: 'container.stop', resource: 'Container', name: c.name, service: c.service, number: c.number, containerId: c.id, reason: 'orphan', after: [] })] : [];
      b.add({ kind: 'container.remove', resource: 'Container', name: c.name, service: c.service, number: c.number, containerId: c.id, reason: 'orphan', after: stop });
    }
  } else if (orphans.length && !opts.ignoreOrphans) {
    b.warn(orphanWarning(orphans));
  }

  // Services outside the selection whose containers hold a selected one's
  // namespaces or volumes: recreated too when it is (never otherwise touched).
  const holders = sharingHolders(desired, actual, new Set(sel.order));
  const order = holders.size ? sel.graph.order([...sel.order, ...holders]) : sel.order;
  const services = order.map((n) => sel.byName.get(n)!);
  const replicas = (s: DesiredService) => opts.scale?.[s.name] ?? s.replicas;
  for (const s of services) {
    if (s.containerName && replicas(s) > 1) throw new BerthError(`service "${s.name}": container_name "${s.containerName}" is set, so it cannot be scaled to ${replicas(s)} containers`);
  }
  const live = services.filter((s) => replicas(s) > 0);
  const networks = planNetworks(desired, actual.networks, new Set(live.flatMap((s) => s.networks)), b);
  const volumes = planVolumes(desired, actual.volumes, new Set(live.flatMap((s) => s.volumes)), b);
  const images = new ImagePlanner(actual.images, opts, b);

  const createIds = new Map<string, number[]>(); // service → create/recreate action ids
  const startIds = new Map<string, number[]>();  // service → start action ids
  const recreated = new Set<string>();

  for (const svc of services) {
    const want = replicas(svc);
    const existing = actual.containers.filter((c) => c.service === svc.name && !c.oneoff).sort((x, y) => x.number - y.number);
    // Two containers with one number are what an interrupted recreate leaves
    // (the old one moved aside, the new one created): keep the better one.
    const { unique, duplicates } = splitDuplicates(existing, svc, desired.name);
    const keep = unique.slice(0, want);
    const removeContainer = (c: ActualContainer, reason: string) => {
      const stop = isActive(c) ? [b.add({ kind: 'container.stop', resource: 'Container', name: c.name, service: svc.name, number: c.number, containerId: c.id, reason, after: [] })] : [];
      b.add({ kind: 'container.remove', resource: 'Container', name: c.name, service: svc.name, number: c.number, containerId: c.id, reason, after: stop });
    };
    if (holders.has(svc.name)) {
      const shared = (svc.shares ?? []).filter((d) => recreated.has(d));
      if (!shared.length || opts.noRecreate) continue;
      const image = images.plan(svc);
      const after = [...Object.keys(svc.dependsOn).flatMap((d) => createIds.get(d) ?? []), ...(image !== undefined ? [image] : [])];
      const depStarts = Object.keys(svc.dependsOn).flatMap((d) => startIds.get(d) ?? []);
      const ids = planHolder(b, desired.name, svc, unique, shared, after, depStarts, opts);
      recreated.add(svc.name);
      createIds.set(svc.name, ids.creates);
      startIds.set(svc.name, ids.starts);
      continue;
    }
    for (const c of duplicates) removeContainer(c, `duplicate of number ${c.number}`);
    // Scale down: the highest numbers go first.
    for (const c of unique.slice(want).reverse()) removeContainer(c, `scale to ${want}`);
    if (want === 0) continue;

    const deps = Object.keys(svc.dependsOn).filter((d) => sel.order.includes(d));
    const depCreates = deps.flatMap((d) => createIds.get(d) ?? []);
    const prereq = [...svc.networks.map((k) => networks.get(k)), ...svc.volumes.map((k) => volumes.get(k))].filter((x): x is number => x !== undefined);
    const image = images.plan(svc);
    if (image !== undefined) prereq.push(image);
    const forced = opts.forceRecreate && sel.selected.has(svc.name) || (!!opts.alwaysRecreateDeps && !sel.selected.has(svc.name));
    const recreatedDeps = deps.filter((d) => svc.dependsOn[d].restart && recreated.has(d));
    // The old container of a shared service keeps living in this one's namespaces or mounts.
    const recreatedShared = (svc.shares ?? []).filter((d) => recreated.has(d) && !recreatedDeps.includes(d));

    const creates: number[] = [];
    const toStart: Array<{ name: string; number: number; id?: string; after: number }> = [];
    for (const c of keep) {
      const reason = recreateReason(svc, c, !!forced, opts, recreatedDeps, recreatedShared, containerNameFor(desired.name, svc, c.number));
      if (reason) {
        const id = b.add({ kind: 'container.recreate', resource: 'Container', name: containerNameFor(desired.name, svc, c.number), service: svc.name, number: c.number, containerId: c.id, currentName: c.name, renewAnonVolumes: opts.renewAnonVolumes || undefined, reason, after: [...prereq, ...depCreates] });
        creates.push(id);
        recreated.add(svc.name);
        toStart.push({ name: containerNameFor(desired.name, svc, c.number), number: c.number, after: id });
      } else if (c.status === 'running' || c.status === 'restarting') {
        b.unchanged('Container', c.name, 'Running');
      } else if (c.status === 'paused') {
        if (opts.noStart) b.unchanged('Container', c.name, 'Paused');
        else b.add({ kind: 'container.unpause', resource: 'Container', name: c.name, service: svc.name, number: c.number, containerId: c.id, reason: 'paused', after: [] });
      } else if (opts.noStart) {
        b.unchanged('Container', c.name, c.status === 'created' ? 'Created' : 'Exited');
      } else {
        toStart.push({ name: c.name, number: c.number, id: c.id, after: 0 });
      }
    }
    // Scale up: numbers after the highest one in use, as Compose does.
    let next = Math.max(0, ...existing.map((c) => c.number)) + 1;
    for (let i = keep.length; i < want; i++, next++) {
      const name = containerNameFor(desired.name, svc, next);
      const id = b.add({ kind: 'container.create', resource: 'Container', name, service: svc.name, number: next, after: [...prereq, ...depCreates] });
      creates.push(id);
      toStart.push({ name, number: next, after: id });
    }
    createIds.set(svc.name, creates);

    if (opts.noStart || toStart.length === 0) continue;
    // A starting service waits for each dependency's condition.
    const waits: number[] = [];
    for (const d of deps) { // with --no-deps, only among the services named
      const dep = sel.byName.get(d)!;
      if (replicas(dep) === 0) continue;
      const cfg = svc.dependsOn[d];
      waits.push(b.add({ kind: 'service.wait', resource: 'Service', name: d, dependent: svc.name, condition: cfg.condition, required: cfg.required, after: startIds.get(d) ?? [] }));
    }
    const starts: number[] = [];
    for (const t of toStart) {
      starts.push(b.add({ kind: 'container.start', resource: 'Container', name: t.name, service: svc.name, number: t.number, containerId: t.id, after: [...waits, ...(t.after ? [t.after] : [])] }));
    }
    startIds.set(svc.name, starts);
  }
  if (opts.wait && !opts.noStart) {
    for (const svc of services) {
      if (replicas(svc) === 0) continue;
      b.add({ kind: 'service.wait', resource: 'Service', name: svc.name, dependent: '--wait', condition: svc.healthcheck ? 'service_healthy' : 'service_started', required: true, after: startIds.get(svc.name) ?? [] });
    }
  }
  return b.build();
}
