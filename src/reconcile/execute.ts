// Runs a Plan as a DAG against injected drivers: an action starts once every
// action it waits for has succeeded, up to `parallelism` at a time, so
// independent services proceed in parallel. A failure skips everything that
// depends on it (each skipped action says which failure it follows) while
// independent work finishes; then one error names the first failure.
// A `required: false` dependency that fails or is missing is tolerated.
import { BerthError } from '../errors.js';
import type { Action, ContainerAction, ImageAction, NetworkAction, Plan, Resource, VolumeAction, WaitAction } from './plan.js';

/** The real work, one method per action kind; the CLI wires the drivers in. */
export interface Drivers {
  createNetwork(a: NetworkAction): Promise<void>;
  removeNetwork(a: NetworkAction): Promise<void>;
  createVolume(a: VolumeAction): Promise<void>;
  removeVolume(a: VolumeAction): Promise<void>;
  pullImage(a: ImageAction): Promise<void>;
  buildImage(a: ImageAction): Promise<void>;
  removeImage(a: ImageAction): Promise<void>;
  /**
   * Creates a.name. For a recreate (a.kind 'container.recreate') the old
   * container a.containerId still exists, stopped and renamed; the new one
   * inherits its anonymous volumes unless a.renewAnonVolumes.
   */
  createContainer(a: ContainerAction): Promise<void>;
  /** Renames the container a.containerId (recreate moves the old one aside, named by asideName()). */
  renameContainer(a: ContainerAction, newName: string): Promise<void>;
  startContainer(a: ContainerAction): Promise<void>;
  /** Must succeed on a container that is already stopped. */
  stopContainer(a: ContainerAction): Promise<void>;
  removeContainer(a: ContainerAction): Promise<void>;
  killContainer(a: ContainerAction): Promise<void>;
  pauseContainer(a: ContainerAction): Promise<void>;
  unpauseContainer(a: ContainerAction): Promise<void>;
  restartContainer(a: ContainerAction): Promise<void>;
  /**
   * Resolves when the dependency a.name meets a.condition (started; healthy;
   * exited 0); rejects with the cause (unhealthy, exited 1, no container...).
   */
  waitCondition(a: WaitAction, signal: AbortSignal): Promise<void>;
}

type ProgressStatus =
  | 'Creating' | 'Created' | 'Recreate' | 'Recreated' | 'Starting' | 'Started' | 'Waiting' | 'Healthy' | 'Exited'
  | 'Stopping' | 'Stopped' | 'Removing' | 'Removed' | 'Pulling' | 'Pulled' | 'Building' | 'Built'
  | 'Killing' | 'Killed' | 'Pausing' | 'Paused' | 'Unpausing' | 'Unpaused' | 'Restarting' | 'Restarted'
  | 'Skipped' | 'Warning' | 'Error';

export interface ProgressEvent {
  actionId: number;
  resource: Resource;
  /** Container, network, volume or image name; the dependency for a wait. */
  id: string;
  status: ProgressStatus;
  /** Milliseconds since the action started (0 for its first event). */
  elapsed: number;
  /** Error or warning text, or a detail (e.g. "for web"). */
  message?: string;
}

export interface ExecuteOptions {
  /** How many actions may run at once (default 8). */
  parallelism?: number;
  onEvent?: (e: ProgressEvent) => void;
  /** Aborting starts nothing new; in-flight waits see the signal. */
  signal?: AbortSignal;
}

type Outcome = 'done' | 'failed' | 'skipped' | 'tolerated';

export interface ExecuteResult {
  outcomes: Map<number, Outcome>;
  /** One line per failed action, e.g. "web: start: exec /app: no such file or directory". */
  errors: string[];
  /** One line per action skipped because something it waits for failed. */
  skipped: string[];
  warnings: string[];
}

/** Thrown by executePlan when an action failed; the message names the first failure. */
export class PlanFailedError extends BerthError {
  constructor(readonly result: ExecuteResult, first: string) {
    const more = result.errors.slice(1);
    const extra = [
      ...(more.length ? [`also ${more.join('; ')}`] : []),
      ...(result.skipped.length ? [`${result.skipped.length} dependent action(s) skipped`] : []),
    ];
    super(extra.length ? `${first} (${extra.join('; ')})` : first);
    this.name = 'PlanFailedError';
  }
}

const STATUS: Record<Action['kind'], [ProgressStatus, ProgressStatus]> = {
  'network.create': ['Creating', 'Created'], 'network.remove': ['Removing', 'Removed'],
  'volume.create': ['Creating', 'Created'], 'volume.remove': ['Removing', 'Removed'],
  'image.pull': ['Pulling', 'Pulled'], 'image.build': ['Building', 'Built'], 'image.remove': ['Removing', 'Removed'],
  'container.create': ['Creating', 'Created'], 'container.recreate': ['Recreate', 'Recreated'],
  'container.start': ['Starting', 'Started'], 'container.stop': ['Stopping', 'Stopped'],
  'container.remove': ['Removing', 'Removed'], 'container.kill': ['Killing', 'Killed'],
  'container.pause': ['Pausing', 'Paused'], 'container.unpause': ['Unpausing', 'Unpaused'],
  'container.restart': ['Restarting', 'Restarted'], 'service.wait': ['Waiting', 'Healthy'],
};

function doneStatus(a: Action): ProgressStatus {
  if (a.kind !== 'service.wait') return STATUS[a.kind][1];
  return a.condition === 'service_healthy' ? 'Healthy' : a.condition === 'service_completed_successfully' ? 'Exited' : 'Started';
}

/** "web: start", "network demo_default: create", "image nginx:1: pull". */
function subject(a: Action): string {
  const step = a.kind.split('.')[1];
  switch (a.resource) {
    case 'Container': return `${a.service}: ${step}`;
    case 'Service': return `${a.dependent}: waiting for ${a.name} (${a.condition})`;
    case 'Image': return `${a.services.join(', ')}: ${step} image ${a.name}`;
    default: return `${a.resource.toLowerCase()} ${a.name}: ${step}`;
  }
}

function causeOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The old container's name while its replacement is created (as Compose does). */
function asideName(a: ContainerAction): string {
  return `${(a.containerId ?? 'old').slice(0, 12)}_${a.name}`;
}

async function perform(a: Action, d: Drivers, signal: AbortSignal): Promise<void> {
  switch (a.kind) {
    case 'network.create': return d.createNetwork(a);
    case 'network.remove': return d.removeNetwork(a);
    case 'volume.create': return d.createVolume(a);
    case 'volume.remove': return d.removeVolume(a);
    case 'image.pull': return d.pullImage(a);
    case 'image.build': return d.buildImage(a);
    case 'image.remove': return d.removeImage(a);
    case 'container.create': return d.createContainer(a);
    case 'container.recreate': {
      // stop, move aside, create the new one, then drop the old one.
      const aside = asideName(a);
      await d.stopContainer({ ...a, kind: 'container.stop' });
      if (a.currentName !== aside) await d.renameContainer(a, aside); // an interrupted recreate may have done it
      await d.createContainer(a);
      return d.removeContainer({ ...a, kind: 'container.remove', name: aside, removeVolumes: false });
    }
    case 'container.start': return d.startContainer(a);
    case 'container.stop': return d.stopContainer(a);
    case 'container.remove': return d.removeContainer(a);
    case 'container.kill': return d.killContainer(a);
    case 'container.pause': return d.pauseContainer(a);
    case 'container.unpause': return d.unpauseContainer(a);
    case 'container.restart': return d.restartContainer(a);
    case 'service.wait': return d.waitCondition(a, signal);
  }
}

export async function executePlan(plan: Plan, drivers: Drivers, opts: ExecuteOptions = {}): Promise<ExecuteResult> {
  const limit = Math.max(1, opts.parallelism ?? 8);
  const emit = opts.onEvent ?? (() => {});
  const signal = opts.signal ?? new AbortController().signal;
  const byId = new Map(plan.actions.map((a) => [a.id, a]));
  for (const a of plan.actions) {
    for (const p of a.after) if (!byId.has(p) || p >= a.id) throw new Error(`plan action ${a.id} waits for unknown or later action ${p}`);
  }
  const outcomes = new Map<number, Outcome>();
  const causes = new Map<number, string>(); // failed or skipped → the root failure's text
  const errors: string[] = [];
  const skipped: string[] = [];
  const warnings: string[] = [];
  const waiting = [...plan.actions];
  const running = new Map<number, Promise<void>>();

  const finish = (a: Action, outcome: Outcome, started: number, message?: string): void => {
    outcomes.set(a.id, outcome);
    const elapsed = Date.now() - started;
    if (outcome === 'done') emit({ actionId: a.id, resource: a.resource, id: a.name, status: doneStatus(a), elapsed });
    else if (outcome === 'tolerated') { warnings.push(message!); emit({ actionId: a.id, resource: a.resource, id: a.name, status: 'Warning', elapsed, message }); }
    else emit({ actionId: a.id, resource: a.resource, id: a.name, status: outcome === 'failed' ? 'Error' : 'Skipped', elapsed, message });
  };

  const launch = (a: Action): void => {
    const started = Date.now();
    emit({ actionId: a.id, resource: a.resource, id: a.name, status: STATUS[a.kind][0], elapsed: 0, message: a.kind === 'service.wait' ? `for ${a.dependent}` : undefined });
    const p = perform(a, drivers, signal).then(
      () => finish(a, 'done', started),
      (e: unknown) => {
        const text = `${subject(a)}: ${causeOf(e)}`;
        if (a.kind === 'service.wait' && !a.required) return finish(a, 'tolerated', started, `${text} (tolerated: not required)`);
        causes.set(a.id, text);
        errors.push(text);
        finish(a, 'failed', started, text);
      },
    ).finally(() => running.delete(a.id));
    running.set(a.id, p);
  };

  while (waiting.length > 0 || running.size > 0) {
    let progressed = false;
    for (let i = 0; i < waiting.length && running.size < limit;) {
      const a = waiting[i];
      const prereq = a.after.map((id) => outcomes.get(id));
      if (prereq.some((o) => o === undefined)) { i++; continue; }
      waiting.splice(i, 1);
      progressed = true;
      const broken = a.after.find((id) => outcomes.get(id) === 'failed' || outcomes.get(id) === 'skipped');
      if (broken !== undefined) {
        const root = causes.get(broken)!;
        if (a.kind === 'service.wait' && !a.required) { finish(a, 'tolerated', Date.now(), `${subject(a)}: ${root} (tolerated: not required)`); continue; }
        causes.set(a.id, root);
        const text = `${subject(a)}: skipped because ${root}`;
        skipped.push(text);
        finish(a, 'skipped', Date.now(), text);
        continue;
      }
      if (signal.aborted) {
        causes.set(a.id, 'interrupted');
        outcomes.set(a.id, 'skipped');
        continue;
      }
      launch(a);
    }
    if (running.size > 0) await Promise.race(running.values());
    else if (!progressed && waiting.length > 0) throw new Error('plan has unreachable actions'); // unreachable: ids are checked above
  }
  const result: ExecuteResult = { outcomes, errors, skipped, warnings };
  if (signal.aborted && [...outcomes.values()].some((o) => o === 'skipped')) {
    throw new PlanFailedError(result, 'interrupted: the rest of the plan was not run; run the command again to finish');
  }
  if (errors.length > 0) throw new PlanFailedError(result, errors[0]);
  return result;
}
