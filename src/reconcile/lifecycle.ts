// Planners for the commands that act on existing containers: down, start,
// stop, restart, rm, kill, pause, unpause (create is `up --no-start`). Pure,
// like reconcile(): data in, Plan out.
import { compareText } from '../text-order.js';
import { BerthError } from '../errors.js';
import { isActive, type ActualContainer, type ActualState } from './actual.js';
import type { DesiredProject } from './desired.js';
import { PlanBuilder, type ContainerAction, type Plan } from './plan.js';
import { findOrphans, orphanWarning, reconcile, type UpOptions } from './reconcile.js';
import { checkNames, serviceGraph } from './select.js';

export interface DownOptions {
  /** -v: remove named volumes (not external) and anonymous ones. */
  removeVolumes?: boolean;
  /** --rmi local|all. */
  rmi?: 'local' | 'all';
  removeOrphans?: boolean;
  /** Services named on the command line: only their containers go; networks and volumes stay. */
  services?: string[];
}

function containerAction(kind: ContainerAction['kind'], c: ActualContainer, after: number[], extra: Partial<ContainerAction> = {}): Omit<ContainerAction, 'id'> {
  return { kind, resource: 'Container', name: c.name, service: c.service, number: c.number, containerId: c.id, after, ...extra };
}

function byService(actual: ActualState, service: string): ActualContainer[] {
  return actual.containers.filter((c) => c.service === service).sort((a, b) => Number(a.oneoff) - Number(b.oneoff) || a.number - b.number || compareText(a.name, b.name));
}

/** down: dependents stop first; networks, volumes and images go once every container is gone. */
export function planDown(desired: DesiredProject, actual: ActualState, opts: DownOptions = {}): Plan {
  const b = new PlanBuilder(desired.name);
  const graph = serviceGraph(desired);
  const named = opts.services ?? [];
  checkNames(desired, named);
  const targets = named.length ? named : graph.names();
  const stops = new Map<string, number[]>();
  const removes: number[] = [];
  for (const svc of graph.reverseOrder(targets)) {
    const after = graph.dependentsOf(svc).flatMap((d) => stops.get(d) ?? []);
    const mine: number[] = [];
    for (const c of byService(actual, svc)) {
      const stop = isActive(c) ? b.add(containerAction('container.stop', c, after)) : undefined;
      if (stop !== undefined) mine.push(stop);
      removes.push(b.add(containerAction('container.remove', c, stop !== undefined ? [stop] : after, { removeVolumes: opts.removeVolumes || undefined })));
    }
    stops.set(svc, mine);
  }
  const orphans = findOrphans(desired, actual);
  if (orphans.length && opts.removeOrphans) {
    for (const c of orphans) {
      const stop = isActive(c) ? [b.add(containerAction('container.stop', c, [], { reason: 'orphan' }))] : [];
      removes.push(b.add(containerAction('container.remove', c, stop, { reason: 'orphan', removeVolumes: opts.removeVolumes || undefined })));
    }
  } else if (orphans.length) {
    b.warn(orphanWarning(orphans));
  }
  if (named.length) return b.build();

  for (const net of desired.networks) {
    if (net.external) continue;
    if (actual.networks.some((n) => n.name === net.name)) b.add({ kind: 'network.remove', resource: 'Network', name: net.name, after: removes });
  }
  if (opts.removeVolumes) {
    for (const vol of desired.volumes) {
      if (vol.external) continue;
      if (actual.volumes.some((v) => v.name === vol.name)) b.add({ kind: 'volume.remove', resource: 'Volume', name: vol.name, after: removes });
    }
  }
  if (opts.rmi) {
    const refs = new Map<string, string[]>();
    for (const s of desired.services) {
      if (opts.rmi === 'local' && !s.localImage) continue;
      refs.set(s.image, [...(refs.get(s.image) ?? []), s.name]);
    }
    for (const [ref, services] of refs) {
      if (actual.images.some((i) => i.ref === ref)) b.add({ kind: 'image.remove', resource: 'Image', name: ref, services, after: removes });
    }
  }
  return b.build();
}

export interface ServicesOptions {
  services?: string[];
}

function targetsOf(desired: DesiredProject, opts: ServicesOptions): string[] {
  const named = opts.services ?? [];
  checkNames(desired, named);
  return named.length ? named : desired.services.map((s) => s.name);
}

/** start: created/exited containers, dependencies first, each waiting for its dependencies' conditions. */
export function planStart(desired: DesiredProject, actual: ActualState, opts: ServicesOptions = {}): Plan {
  const b = new PlanBuilder(desired.name);
  const graph = serviceGraph(desired);
  const targets = targetsOf(desired, opts);
  const byName = new Map(desired.services.map((s) => [s.name, s]));
  const starts = new Map<string, number[]>();
  let any = false;
  for (const svc of graph.order(targets)) {
    const containers = byService(actual, svc).filter((c) => !c.oneoff);
    if (containers.length === 0) {
      if (opts.services?.includes(svc)) throw new BerthError(`service "${svc}" has no container to start; run "berth up" or "berth create" first`);
      continue;
    }
    any = true;
    const toStart = containers.filter((c) => !isActive(c));
    for (const c of containers.filter(isActive)) b.unchanged('Container', c.name, c.status === 'paused' ? 'Paused' : 'Running');
    if (toStart.length === 0) continue;
    const waits: number[] = [];
    for (const [dep, cfg] of Object.entries(byName.get(svc)!.dependsOn).sort(([x], [y]) => compareText(x, y))) {
      if (!targets.includes(dep) || !actual.containers.some((c) => c.service === dep && !c.oneoff)) continue;
      waits.push(b.add({ kind: 'service.wait', resource: 'Service', name: dep, dependent: svc, condition: cfg.condition, required: cfg.required, after: starts.get(dep) ?? [] }));
    }
    starts.set(svc, toStart.map((c) => b.add(containerAction('container.start', c, waits))));
  }
  if (!any) throw new BerthError('no containers to start; run "berth up" or "berth create" first');
  return b.build();
}

export interface StopOptions extends ServicesOptions {}

/** stop: running containers, dependents first. */
export function planStop(desired: DesiredProject, actual: ActualState, opts: StopOptions = {}): Plan {
  return planReverse(desired, actual, opts, 'container.stop', isActive, 'Exited');
}

export interface KillOptions extends ServicesOptions {
  signal?: string;
  removeOrphans?: boolean;
}

/** kill: every running container at once (no ordering: kill is immediate). */
export function planKill(desired: DesiredProject, actual: ActualState, opts: KillOptions = {}): Plan {
  const b = new PlanBuilder(desired.name);
  const targets = new Set(targetsOf(desired, opts));
  for (const c of actual.containers) {
    const mine = targets.has(c.service) && !c.oneoff;
    const orphan = !desired.services.some((s) => s.name === c.service) && !c.oneoff && opts.removeOrphans;
    if (!(mine || orphan) || !isActive(c)) continue;
    b.add(containerAction('container.kill', c, [], { signal: opts.signal ?? 'SIGKILL' }));
  }
  return b.build();
}

/** restart: every container of the services, dependencies first. */
export function planRestart(desired: DesiredProject, actual: ActualState, opts: ServicesOptions = {}): Plan {
  const b = new PlanBuilder(desired.name);
  const graph = serviceGraph(desired);
  const ids = new Map<string, number[]>();
  for (const svc of graph.order(targetsOf(desired, opts))) {
    const after = graph.dependenciesOf(svc).flatMap((d) => ids.get(d) ?? []);
    ids.set(svc, byService(actual, svc).filter((c) => !c.oneoff).map((c) => b.add(containerAction('container.restart', c, after))));
  }
  return b.build();
}

export function planPause(desired: DesiredProject, actual: ActualState, opts: ServicesOptions = {}): Plan {
  return planEach(desired, actual, opts, 'container.pause', (c) => c.status === 'running');
}

export function planUnpause(desired: DesiredProject, actual: ActualState, opts: ServicesOptions = {}): Plan {
  return planEach(desired, actual, opts, 'container.unpause', (c) => c.status === 'paused');
}

export interface RmOptions extends ServicesOptions {
  /** -s/--stop: stop running containers first (otherwise they are left, with a note). */
  stop?: boolean;
  /** -v: remove anonymous volumes too. */
  removeVolumes?: boolean;
}

/** rm: stopped containers (and running ones with -s, stopped first, dependents first). */
export function planRm(desired: DesiredProject, actual: ActualState, opts: RmOptions = {}): Plan {
  const b = new PlanBuilder(desired.name);
  const graph = serviceGraph(desired);
  const stops = new Map<string, number[]>();
  for (const svc of graph.reverseOrder(targetsOf(desired, opts))) {
    const after = graph.dependentsOf(svc).flatMap((d) => stops.get(d) ?? []);
    const mine: number[] = [];
    for (const c of byService(actual, svc).filter((x) => !x.oneoff)) {
      let stop: number | undefined;
      if (isActive(c)) {
        if (!opts.stop) { b.unchanged('Container', c.name, 'Running'); continue; }
        stop = b.add(containerAction('container.stop', c, after));
        mine.push(stop);
      }
      b.add(containerAction('container.remove', c, stop !== undefined ? [stop] : [], { removeVolumes: opts.removeVolumes || undefined }));
    }
    stops.set(svc, mine);
  }
  return b.build();
}

/** create: up without starting anything. */
export function planCreate(desired: DesiredProject, actual: ActualState, opts: UpOptions = {}): Plan {
  return reconcile(desired, actual, { ...opts, noStart: true });
}

function planReverse(desired: DesiredProject, actual: ActualState, opts: ServicesOptions, kind: ContainerAction['kind'], want: (c: ActualContainer) => boolean, idle: string): Plan {
  const b = new PlanBuilder(desired.name);
  const graph = serviceGraph(desired);
  const ids = new Map<string, number[]>();
  for (const svc of graph.reverseOrder(targetsOf(desired, opts))) {
    const after = graph.dependentsOf(svc).flatMap((d) => ids.get(d) ?? []);
    const mine: number[] = [];
    for (const c of byService(actual, svc).filter((x) => !x.oneoff)) {
      if (want(c)) mine.push(b.add(containerAction(kind, c, after)));
      else b.unchanged('Container', c.name, c.status === 'created' ? 'Created' : idle);
    }
    ids.set(svc, mine);
  }
  return b.build();
}

function planEach(desired: DesiredProject, actual: ActualState, opts: ServicesOptions, kind: ContainerAction['kind'], want: (c: ActualContainer) => boolean): Plan {
  const b = new PlanBuilder(desired.name);
  const targets = new Set(targetsOf(desired, opts));
  for (const c of actual.containers) {
    if (targets.has(c.service) && !c.oneoff && want(c)) b.add(containerAction(kind, c, []));
  }
  return b.build();
}
