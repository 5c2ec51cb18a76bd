// `run`: (1) bring up what the service needs (its dependencies unless
// --no-deps, its image, networks and volumes) with the reconciler, leaving
// the service's own containers alone; (2) create the one-off container with
// the project's container driver, from the service as the caller changed it,
// labelled com.docker.compose.oneoff=True; (3) start it, then either return
// (detached) or attach until it exits (exit code = its own), and with rm
// remove it.
import type { Project, Service } from '../compose/model.js';
import { BerthError } from '../errors.js';
import { readRecord, writeRecord } from '../container/record.js';
import { containerPaths } from '../container/paths.js';
import type { ContainerAction, Plan } from '../reconcile/plan.js';
import { LABELS } from '../reconcile/desired.js';
import type { UpOptions } from '../reconcile/reconcile.js';
import { withProjectLock } from '../state/lock.js';
import { containerDrivers } from './container-driver.js';
import { deviceRequestError } from './device-requests.js';
import { serviceRuntimeError } from './runtimes.js';
import { startFailureCode } from '../container/exec-failure.js';
import { engineAt, type Engine } from './engine.js';
import { plannerOf } from './lifecycle.js';
import { attachOneOff } from './one-off-attach.js';
import { observeProject } from './observe.js';
import { desiredOf, runProject, type Reporter } from './run.js';

/** The up plan for `service` and its dependencies, without the service's own container actions. */
function preparePlan(plan: Plan, service: string): Plan {
  const drop = new Set(plan.actions.filter((a) => a.resource === 'Container' && (a as ContainerAction).service === service).map((a) => a.id));
  const actions = plan.actions.filter((a) => !drop.has(a.id)).map((a) => ({ ...a, after: a.after.filter((x) => !drop.has(x)) }));
  return { ...plan, actions, unchanged: plan.unchanged, warnings: plan.warnings.filter((w) => !/orphan/.test(w)) };
}

export interface OneOffOptions {
  root?: string;
  project: Project;
  service: string;
  /** The service as the one-off runs it (command, env, ports... changed by the caller). */
  run: Service;
  name: string;
  /** Start the service's dependencies too (false: --no-deps). */
  deps: boolean;
  detach?: boolean;
  /** Remove the container once it has exited (not with detach). */
  rm?: boolean;
  /** A terminal: the attach socket carries raw output and this process's keystrokes. */
  tty: boolean;
  /** Without a terminal: this process's stdin goes to the container, closed at its end (-i). */
  interactive?: boolean;
  reporter?: Reporter;
}

export interface OneOffResult {
  id: string;
  /** The container's exit code (attached runs). */
  exitCode?: number;
}

/** `run`: dependencies, then the one-off container, then (attached) its output until it exits. */
export async function runOneOff(o: OneOffOptions): Promise<OneOffResult> {
  const { project, service, name } = o;
  const engine = engineAt(o.root);
  const unsupported = deviceRequestError(project, service) ?? serviceRuntimeError(project, service, engine.containers.bin);
  if (unsupported) throw new BerthError(unsupported);

  // 1. Dependencies, image, networks and volumes.
  const upOpts: UpOptions = { services: [service], noDeps: !o.deps };
  const up = plannerOf({ verb: 'up', options: upOpts });
  await runProject({ root: o.root, project, projectName: project.name, reporter: o.reporter, plan: (d, a, second) => preparePlan(up(d, a, second), service) });

  // 2. The one-off container, under the project lock so that no `up` sees it half-labelled.
  const paths = engine.paths;
  const changed: Project = { ...project, services: { ...project.services, [service]: o.run } };
  const id = await withProjectLock(paths, project.name, async () => {
    const refs = Object.entries(changed.services).map(([n, s]) => s.image ?? `${project.name}-${n}`);
    const actual = await observeProject(engine, project.name, refs);
    const desired = desiredOf(engine, changed, project.name, actual);
    const drivers = containerDrivers(engine, changed, desired, {});
    const action: ContainerAction = { id: 1, after: [], kind: 'container.create', resource: 'Container', name, service, number: 1 };
    await drivers.createContainer(action);
    const rec = engine.containers.resolve(name);
    const p = containerPaths(paths, rec.id);
    const now = readRecord(p.record)!;
    writeRecord(p.record, { ...now, labels: { ...now.labels, [LABELS.oneoff]: 'True' }, input: { ...now.input, labels: { ...(now.input.labels ?? {}), [LABELS.oneoff]: 'True' } } });
    try {
      await drivers.startContainer({ ...action, kind: 'container.start', containerId: rec.id });
    } catch (e) {
      // A command that is not there (or cannot be executed) exits 127 (126), as `docker run` does.
      const code = e instanceof Error ? startFailureCode(e.message) : undefined;
      throw code ? new BerthError((e as Error).message, code) : e;
    }
    return rec.id;
  }, { timeoutMs: engine.config.lockTimeoutMs });

  // 3. Detach, or attach until it exits.
  if (o.detach) return { id };
  try {
    return { id, exitCode: await attachOneOff(engine.containers, id, o.tty, !!o.interactive) };
  } finally {
    if (o.rm) await removeOneOff(engine, changed, project.name, id, name, service);
  }
}

async function removeOneOff(engine: Engine, project: Project, name: string, id: string, cname: string, service: string): Promise<void> {
  await withProjectLock(engine.paths, name, async () => {
    const refs = Object.entries(project.services).map(([n, s]) => s.image ?? `${name}-${n}`);
    const actual = await observeProject(engine, name, refs);
    const desired = desiredOf(engine, project, name, actual);
    await containerDrivers(engine, project, desired, {}).removeContainer({ id: 1, after: [], kind: 'container.remove', resource: 'Container', name: cname, service, number: 1, containerId: id, removeVolumes: true });
  }, { timeoutMs: engine.config.lockTimeoutMs });
}
