// One lifecycle command on one project: take the project lock, repair what an
// interrupted command left, observe, plan (pure), then print the plan
// (--dry-run) or execute it with the real drivers. `up` runs in two phases
// when images must be pulled: the containers are planned again once the
// images are there, so that a new image id is seen in the same run.
import type { Project } from '../compose/model.js';
import { serviceConfigHash } from '../compose/hash.js';
import type { ActualState } from '../reconcile/actual.js';
import type { DesiredProject } from '../reconcile/desired.js';
import { executePlan, type ExecuteResult, type ProgressEvent } from '../reconcile/execute.js';
import { desiredFromProject } from '../reconcile/from-project.js';
import { desiredFromState } from '../reconcile/from-state.js';
import type { Action, Plan } from '../reconcile/plan.js';
import { withProjectLock } from '../state/lock.js';
import type { StatePaths } from '../state/paths.js';
import { BerthError } from '../errors.js';
import { repairPending } from './container-driver.js';
import { deviceRequestError } from './device-requests.js';
import { externalFileObjectError } from './file-objects.js';
import { realDrivers, type DriverOptions } from './drivers.js';
import { repairNetworks } from './resource-drivers.js';
import { ensureDnsResponder } from '../network/networks.js';
import { Engine, engineAt } from './engine.js';
import { observeProject } from './observe.js';
import { hasHealthcheck, securityOptError } from './service-spec.js';
import { checkHostPorts } from './host-ports.js';
import { serviceRuntimeError } from './runtimes.js';
import type { Binaries } from '../container/paths.js';

// What a reporter receives, and the plan's printed forms (--dry-run's text and JSON).
export type { ProgressEvent } from '../reconcile/execute.js';
export { formatPlan, planToJson, type Plan } from '../reconcile/plan.js';

export interface Reporter {
  /** --dry-run: the plan that would run. */
  plan?(plan: Plan): void;
  /** The plan about to run (progress renderers size their rows from it). */
  start?(plan: Plan): void;
  event?(e: ProgressEvent): void;
  warn?(message: string): void;
  /** The plan finished (successfully or not). */
  end?(): void | Promise<void>;
}

export interface RunOptions {
  /** The state root's layout; else `root` (--root, $BERTH_ROOT or the default). */
  paths?: StatePaths;
  root?: string;
  /** The loaded Compose project; absent: rebuilt from the labels (down -p NAME without a file). */
  project?: Project;
  projectName: string;
  dryRun?: boolean;
  /** Pure: desired + actual → Plan. `second` is true when replanning after images were pulled. */
  plan: (desired: DesiredProject, actual: ActualState, second: boolean) => Plan;
  reporter?: Reporter;
  drivers?: DriverOptions;
  signal?: AbortSignal;
}

export interface RunResult {
  plan: Plan;
  result?: ExecuteResult;
  desired: DesiredProject;
  engine: Engine;
}

/** The reconciler's view of the project, with what only the image store knows (ids, HEALTHCHECK). */
export function desiredOf(engine: Engine, project: Project | undefined, name: string, actual: ActualState): DesiredProject {
  if (!project) return desiredFromState(name, actual);
  const desired = desiredFromProject(project, (s) => serviceConfigHash(project, s));
  for (const svc of desired.services) {
    const img = actual.images.find((i) => i.ref === svc.image);
    if (!img) continue;
    svc.imageId = img.id;
    let config;
    try { config = engine.images.describe(img.id).config; } catch { config = undefined; }
    svc.healthcheck = hasHealthcheck(project.services[svc.name], config);
  }
  return desired;
}

/** How many actions run at once: COMPOSE_PARALLEL_LIMIT (as docker compose reads it), else 8. */
function parallelLimit(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.COMPOSE_PARALLEL_LIMIT);
  return Number.isInteger(n) && n > 0 ? n : 8;
}

const imageKinds = new Set<Action['kind']>(['image.pull', 'image.build']);

/** What no container of the plan could be created with is refused before anything changes. */
function checkCreatable(project: Project | undefined, plan: Plan, bin: Pick<Binaries, 'runtime'>): void {
  if (!project) return;
  for (const a of plan.actions) {
    if (a.kind !== 'container.create' && a.kind !== 'container.recreate') continue;
    const problem = externalFileObjectError(project, a.service) ?? deviceRequestError(project, a.service) ?? securityOptError(project, a.service) ?? serviceRuntimeError(project, a.service, bin);
    if (problem) throw new BerthError(problem);
  }
}

const DNS_RESTARTED = 'the DNS responder was not running (container names did not resolve): started again';
const TEARDOWN = new Set<Action['kind']>(['container.stop', 'container.remove', 'container.kill', 'container.pause', 'network.remove', 'volume.remove', 'image.remove']);

/** A plan that only takes things down (down, stop, rm, kill) has no use for the DNS responder. */
const teardownOnly = (plan: Plan): boolean => plan.actions.length > 0 && plan.actions.every((a) => TEARDOWN.has(a.kind));

export async function runProject(o: RunOptions): Promise<RunResult> {
  const engine = o.paths ? new Engine(o.paths) : engineAt(o.root);
  const refs = Object.entries(o.project?.services ?? {}).map(([n, s]) => s.image ?? `${o.projectName}-${n}`);
  const look = async () => {
    const actual = await observeProject(engine, o.projectName, refs);
    return { actual, desired: desiredOf(engine, o.project, o.projectName, actual) };
  };
  const go = async (): Promise<RunResult> => {
    let firewall: Promise<unknown> = Promise.resolve();
    if (!o.dryRun) {
      await repairPending(engine, o.projectName);
      ({ firewall } = await repairNetworks(engine, o.projectName));
    }
    let { actual, desired } = await look();
    await firewall;
    let plan = o.plan(desired, actual, false);
    checkCreatable(o.project, plan, engine.containers.bin);
    if (!o.dryRun) await checkHostPorts(engine.paths, o.project, plan);
    if (o.dryRun) {
      o.reporter?.plan?.(plan);
      return { plan, desired, engine };
    }
    for (const w of plan.warnings) o.reporter?.warn?.(w);
    if (!teardownOnly(plan) && await ensureDnsResponder(engine.paths, engine.config)) o.reporter?.warn?.(DNS_RESTARTED);
    const drivers = realDrivers(engine, o.project, desired, { warn: (m) => o.reporter?.warn?.(m), ...o.drivers });
    const images = plan.actions.filter((a) => imageKinds.has(a.kind));
    if (images.length) {
      // Phase 1: the images alone; then plan again against the new image ids (a rebuilt image recreates its containers).
      const sub: Plan = { project: plan.project, actions: images.map((a, i) => ({ ...a, id: i + 1, after: [] })), unchanged: [], warnings: [] };
      o.reporter?.start?.(sub);
      try { await executePlan(sub, drivers, { onEvent: o.reporter?.event, signal: o.signal, parallelism: parallelLimit() }); } finally { await o.reporter?.end?.(); }
      ({ actual, desired } = await look());
      plan = o.plan(desired, actual, true);
    }
    const live = realDrivers(engine, o.project, desired, { warn: (m) => o.reporter?.warn?.(m), ...o.drivers });
    o.reporter?.start?.(plan);
    let result: ExecuteResult;
    try {
      result = await executePlan(plan, live, { onEvent: o.reporter?.event, signal: o.signal, parallelism: parallelLimit() });
    } finally {
      await o.reporter?.end?.();
    }
    return { plan, result, desired, engine };
  };
  if (o.dryRun) return go();
  return withProjectLock(engine.paths, o.projectName, go, { timeoutMs: engine.config.lockTimeoutMs });
}
