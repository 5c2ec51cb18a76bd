// `berth run`: (1) bring up what the service needs (its dependencies unless
// --no-deps, its image, networks and volumes) with the reconciler, leaving
// the service's own containers alone; (2) create the one-off container with
// the orchestrator's container driver, from the service changed by the
// flags, labelled com.docker.compose.oneoff=True; (3) start it, then either
// print its name (-d) or attach until it exits (exit code = its own), and
// with --rm remove it.
import { randomBytes } from 'node:crypto';
import { resolve as resolvePath } from 'node:path';
import type { Project, Service } from '../../compose/model.js';
import { parsePortString, parseVolumeString, shellSplit } from '../../compose/syntax.js';
import { BerthError, UsageError } from '../../errors.js';
import { readRecord, writeRecord } from '../../container/record.js';
import { containerPaths } from '../../container/paths.js';
import { containerDrivers } from '../../project/container-driver.js';
import { deviceRequestError } from '../../project/device-requests.js';
import { Engine } from '../../project/engine.js';
import { observeProject } from '../../project/observe.js';
import { desiredOf } from '../../project/run.js';
import type { ContainerAction, Plan } from '../../reconcile/plan.js';
import { LABELS } from '../../reconcile/desired.js';
import { reconcile } from '../../reconcile/reconcile.js';
import { withProjectLock } from '../../state/lock.js';
import { statePaths } from '../../state/paths.js';
import type { RunFlags } from '../commands/run.js';
import type { GlobalOptions } from '../globals.js';
import { resolveTarget, runCommand } from '../project-command.js';
import { upOptionsOf } from '../up-options.js';
import { parseEnvPairs } from './flags.js';
import { attachOneOff } from './run-attach.js';

/** The up plan for `service` and its dependencies, without the service's own container actions. */
export function preparePlan(plan: Plan, service: string): Plan {
  const drop = new Set(plan.actions.filter((a) => a.resource === 'Container' && (a as ContainerAction).service === service).map((a) => a.id));
  const actions = plan.actions.filter((a) => !drop.has(a.id)).map((a) => ({ ...a, after: a.after.filter((x) => !drop.has(x)) }));
  return { ...plan, actions, unchanged: plan.unchanged, warnings: plan.warnings.filter((w) => !/orphan/.test(w)) };
}

/** The service as the flags change it for a one-off run. */
export function oneOffService(base: Service, command: string[], o: RunFlags, tty: boolean, cwd = process.cwd()): Service {
  const s: Service = structuredClone(base);
  if (command.length) s.command = command;
  if (o.entrypoint !== undefined) {
    s.entrypoint = o.entrypoint === '' ? [] : shellSplit(o.entrypoint);
    if (!command.length) s.command = null as unknown as Service['command'];
  }
  const env = parseEnvPairs(o.env);
  if (Object.keys(env).length) s.environment = { ...(s.environment ?? {}), ...env };
  if (o.user) s.user = o.user;
  if (o.workdir) s.working_dir = o.workdir;
  const ports = o.servicePorts ? [...(s.ports ?? [])] : [];
  for (const p of o.publish ?? []) {
    try { ports.push(...parsePortString(p)); } catch (e) { throw new UsageError(`--publish ${p}: ${(e as Error).message}`); }
  }
  s.ports = ports;
  for (const v of o.volume ?? []) {
    let vol;
    try { vol = parseVolumeString(v); } catch (e) { throw new UsageError(`--volume ${v}: ${(e as Error).message}`); }
    if (vol.type === 'bind' && typeof vol.source === 'string') vol.source = resolvePath(cwd, vol.source);
    s.volumes = [...(s.volumes ?? []).filter((x) => x.target !== vol.target), vol];
  }
  const labels: Record<string, string> = {};
  for (const l of o.label ?? []) {
    const i = l.indexOf('=');
    labels[i < 0 ? l : l.slice(0, i)] = i < 0 ? '' : l.slice(i + 1);
  }
  s.labels = { ...(s.labels ?? {}), ...labels };
  s.restart = 'no';
  delete s.container_name;
  s.tty = tty;
  s.stdin_open = tty;
  return s;
}

export async function runOneOff(g: GlobalOptions, service: string, command: string[], o: RunFlags): Promise<number> {
  const target = await resolveTarget(g, [service]);
  const project = target.project!;
  const base = project.services[service];
  if (!base) throw new BerthError(`no such service: ${service}`);
  const unsupported = deviceRequestError(project, service);
  if (unsupported) throw new BerthError(unsupported);
  if (o.detach && o.rm) throw new UsageError('--rm and -d cannot be combined');
  const tty = !o.detach && o.tty !== false && !!process.stdin.isTTY;
  const name = o.name ?? `${project.name}-${service}-run-${randomBytes(6).toString('hex')}`;
  const svc = oneOffService(base, command, o, tty, project.workingDir);
  if (g.dryRun) {
    process.stdout.write(`Container ${name}  Create  (one-off of ${service})\nContainer ${name}  Start\n`);
    return 0;
  }

  // 1. Dependencies, image, networks and volumes.
  const upOpts = upOptionsOf([service], { detach: true, deps: o.deps });
  await runCommand(g, target, { plan: (d, a, second) => preparePlan(reconcile(d, a, second ? { ...upOpts, pull: 'never', build: false, noBuild: false } : upOpts), service) });

  // 2. The one-off container, under the project lock so that no `up` sees it half-labelled.
  const paths = statePaths(g.root);
  const engine = new Engine(paths);
  const changed: Project = { ...project, services: { ...project.services, [service]: svc } };
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
    await drivers.startContainer({ ...action, kind: 'container.start', containerId: rec.id });
    return rec.id;
  });

  // 3. Detach, or attach until it exits.
  if (o.detach) {
    process.stdout.write(`${name}\n`);
    return 0;
  }
  let code: number;
  try {
    code = await attachOneOff(engine.containers, id, tty);
  } finally {
    if (o.rm) await removeOneOff(engine, changed, project.name, id, name, service);
  }
  return code;
}

async function removeOneOff(engine: Engine, project: Project, name: string, id: string, cname: string, service: string): Promise<void> {
  await withProjectLock(engine.paths, name, async () => {
    const refs = Object.entries(project.services).map(([n, s]) => s.image ?? `${name}-${n}`);
    const actual = await observeProject(engine, name, refs);
    const desired = desiredOf(engine, project, name, actual);
    await containerDrivers(engine, project, desired, {}).removeContainer({ id: 1, after: [], kind: 'container.remove', resource: 'Container', name: cname, service, number: 1, containerId: id, removeVolumes: true });
  });
}
