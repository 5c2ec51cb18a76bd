// `berth run`: flags → the service as the one-off runs it → the project
// service's one-off run; prints the name (-d) or exits with its exit code.
import { randomHex } from '../../hashing.js';
import { resolve as resolvePath } from 'node:path';
import type { Service } from '../../compose/model.js';
import { parsePortString, parseVolumeString, shellSplit } from '../../compose/syntax.js';
import { BerthError, UsageError } from '../../errors.js';
import type { RunFlags } from '../commands/run.js';
import type { GlobalOptions } from '../globals.js';
import { resolveTarget } from '../project-command.js';
import { parseEnvPairs } from './flags.js';
import { writeOut } from '../output.js';

/** The service as the flags change it for a one-off run. */
function oneOffService(base: Service, command: string[], o: RunFlags, tty: boolean, interactive: boolean, cwd = process.cwd()): Service {
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
  s.stdin_open = tty || interactive;
  return s;
}

export async function runOneOff(g: GlobalOptions, service: string, command: string[], o: RunFlags): Promise<number> {
  const target = await resolveTarget(g, [service]);
  const project = target.project!;
  const base = project.services[service];
  if (!base) throw new BerthError(`no such service: ${service}`);
  if (o.detach && o.rm) throw new UsageError('--rm and -d cannot be combined');
  const tty = !o.detach && o.tty !== false && !!process.stdin.isTTY;
  // -i without a terminal: stdin is copied to the container, and its end closes the container's stdin.
  const interactive = !o.detach && !tty && !!o.interactive;
  const name = o.name ?? `${project.name}-${service}-run-${randomHex(6)}`;
  const svc = oneOffService(base, command, o, tty, interactive, project.workingDir);
  if (g.dryRun) {
    const { deviceRequestError } = await import('../../project/device-requests.js');
    const unsupported = deviceRequestError(project, service);
    if (unsupported) throw new BerthError(unsupported);
    writeOut(`Container ${name}  Create  (one-off of ${service})\nContainer ${name}  Start\n`);
    return 0;
  }
  const [{ runOneOff: run }, { reporterFor }] = await Promise.all([import('../../project/one-off.js'), import('../progress.js')]);
  const r = await run({
    root: g.root, project, service, run: svc, name, deps: o.deps, detach: o.detach, rm: o.rm, tty, interactive,
    reporter: await reporterFor(g),
  });
  if (o.detach) writeOut(`${name}\n`);
  return r.exitCode ?? 0;
}
