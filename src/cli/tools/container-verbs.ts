// The `container` verbs other than run/create/ls: names in, the project
// service's verb per container, docker's output (each name as it was given,
// one line each; an error per container on stderr and exit 1 at the end).
import { BerthError, UsageError } from '../../errors.js';
import type { ExecFlags, LogsFlags } from '../commands/container.js';
import { isSignal, signalSpelling } from '../../signals.js';
import { confirmed } from '../confirm.js';
import type { GlobalOptions } from '../globals.js';
import { splitContainerArg } from './cp-run.js';
import { PS_TITLES, psRow } from './ps-columns.js';
import { interruptSignal, parseCount, parseEnvPairs } from './flags.js';
import { table } from './table.js';
import { exitOnBrokenPipe, writeErr, writeOut } from '../output.js';

const service = () => import('../../project/container/index.js');

async function engineOf(g: GlobalOptions) {
  const s = await service();
  return { s, engine: s.engineAt(g.root) };
}

/** Runs `fn` for each name, printing the name when it worked; a failure is reported and the rest go on. */
async function forEach(refs: string[], fn: (ref: string) => Promise<unknown>): Promise<void> {
  let failed = false;
  for (const ref of refs) {
    try {
      await fn(ref);
      writeOut(`${ref}\n`);
    } catch (e) {
      if (!(e instanceof BerthError)) throw e;
      failed = true;
      writeErr(`Error response from daemon: ${e.message}\n`);
    }
  }
  if (failed) process.exitCode = 1;
}

function seconds(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new UsageError(`invalid --timeout "${v}": whole seconds`);
  return Number(v) < 0 ? undefined : Number(v);
}

/** A signal as docker takes it (KILL, SIGKILL, 9); an unknown one is a usage error. */
function signalName(s: string): string {
  const spelled = signalSpelling(s);
  if (!isSignal(spelled)) throw new UsageError(`invalid signal: ${s}`);
  return spelled;
}

export async function runStart(g: GlobalOptions, refs: string[], o: { attach?: boolean; interactive?: boolean }): Promise<void> {
  const { s, engine } = await engineOf(g);
  if (!o.attach && !o.interactive) return forEach(refs, (r) => s.startContainer(engine, r));
  if (refs.length !== 1) throw new UsageError('you cannot start and attach multiple containers at once');
  await s.startContainer(engine, refs[0]!);
  process.exitCode = await runAttach(g, refs[0]!, !!o.interactive);
}

export async function runStopOrRestart(g: GlobalOptions, verb: 'stop' | 'restart', refs: string[], o: { timeout?: string; signal?: string }): Promise<void> {
  const { s, engine } = await engineOf(g);
  const opts = { timeout: seconds(o.timeout), signal: o.signal ? signalName(o.signal) : undefined };
  await forEach(refs, (r) => (verb === 'stop' ? s.stopContainer(engine, r, opts) : s.restartContainer(engine, r, opts)));
}

export async function runEach(g: GlobalOptions, verb: 'kill' | 'pause' | 'unpause', refs: string[], signal?: string): Promise<void> {
  const { s, engine } = await engineOf(g);
  const spelled = verb === 'kill' ? signalName(signal ?? 'KILL') : undefined;
  await forEach(refs, (r) => {
    if (spelled) return s.killContainer(engine, r, spelled);
    return verb === 'pause' ? s.pauseContainer(engine, r) : s.unpauseContainer(engine, r);
  });
}

export async function runRm(g: GlobalOptions, refs: string[], o: { force?: boolean; volumes?: boolean }): Promise<void> {
  const { s, engine } = await engineOf(g);
  await forEach(refs, (r) => s.removeContainer(engine, r, o));
}

export async function runLogs(g: GlobalOptions, ref: string, o: LogsFlags): Promise<void> {
  exitOnBrokenPipe();
  const { s, engine } = await engineOf(g);
  const tail = o.tail === 'all' || o.tail === '-1' ? undefined : parseCount('--tail', o.tail);
  await s.containerLogs(engine, ref, {
    tail, since: o.since, until: o.until, follow: o.follow, signal: o.follow ? interruptSignal() : undefined,
    onEntry: (e) => process[e.stream].write(`${o.timestamps ? `${e.time} ` : ''}${e.text}${e.partial ? '' : '\n'}`),
  });
}

export async function runAttach(g: GlobalOptions, ref: string, stdin: boolean): Promise<number> {
  const { s, engine } = await engineOf(g);
  return s.attachContainer(engine, ref, stdin);
}

export async function runExec(g: GlobalOptions, ref: string, argv: string[], o: ExecFlags): Promise<number> {
  const { s, engine } = await engineOf(g);
  const tty = !o.detach && !!o.tty && !!process.stdin.isTTY;
  return s.execInContainer(engine, ref, argv, {
    tty, detach: o.detach, env: parseEnvPairs(o.env), user: o.user, workdir: o.workdir, privileged: o.privileged,
  });
}

export async function runTop(g: GlobalOptions, ref: string): Promise<void> {
  const { s, engine } = await engineOf(g);
  const rows = (await s.containerProcesses(engine, ref)).map((pid) => psRow(pid)).filter((r): r is string[] => !!r);
  writeOut(table(PS_TITLES, rows));
}

export async function runPort(g: GlobalOptions, ref: string, priv: string | undefined): Promise<void> {
  const { s, engine } = await engineOf(g);
  let target: number | undefined;
  let proto: 'tcp' | 'udp' = 'tcp';
  if (priv !== undefined) {
    const m = /^(\d{1,5})(?:\/(tcp|udp))?$/.exec(priv);
    if (!m || Number(m[1]) > 65535) throw new UsageError(`invalid port '${priv}'`);
    target = Number(m[1]);
    if (m[2]) proto = m[2] as 'tcp' | 'udp';
  }
  const ports = s.containerPorts(engine, ref, target, proto);
  if (target !== undefined && ports.length === 0) throw new BerthError(`No public port '${target}/${proto}' published for ${ref}`);
  for (const p of ports) {
    const host = p.hostIp ? (p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp) : '0.0.0.0';
    writeOut(target !== undefined ? `${host}:${p.hostPort}\n` : `${p.target}/${p.protocol} -> ${host}:${p.hostPort}\n`);
  }
}

export async function runRename(g: GlobalOptions, ref: string, to: string): Promise<void> {
  const { s, engine } = await engineOf(g);
  await s.renameContainer(engine, ref, to);
}

export async function runWait(g: GlobalOptions, refs: string[]): Promise<void> {
  const { s, engine } = await engineOf(g);
  let failed = false;
  for (const ref of refs) {
    try {
      writeOut(`${await s.waitContainer(engine, ref)}\n`);
    } catch (e) {
      if (!(e instanceof BerthError)) throw e;
      failed = true;
      writeErr(`Error response from daemon: ${e.message}\n`);
    }
  }
  if (failed) process.exitCode = 1;
}

export async function runCp(g: GlobalOptions, src: string, dst: string, o: { archive?: boolean; followLink?: boolean }): Promise<void> {
  exitOnBrokenPipe();
  const from = splitContainerArg(src);
  const to = splitContainerArg(dst);
  if (from && to) throw new UsageError('copying between containers is not supported');
  if (!from && !to) throw new UsageError('must specify at least one container source (CONTAINER:PATH)');
  const [ref, path] = (from ?? to)!;
  if (path === '') throw new UsageError('a container path must not be empty');
  const { s, engine } = await engineOf(g);
  await s.copyWithEngineContainer(engine, { ref, path, local: from ? dst : src, toContainer: !!to, archive: o.archive, followLink: o.followLink });
}

export async function runPrune(g: GlobalOptions, o: { force?: boolean; filter?: string[] }): Promise<void> {
  if (!(await confirmed('WARNING! This will remove all stopped containers.\n', o.force))) {
    throw new BerthError('container prune: not confirmed (use -f/--force to skip the prompt)');
  }
  const [{ s, engine }, { humanSize }] = await Promise.all([engineOf(g), import('../../project/image/format.js')]);
  const r = await s.pruneContainers(engine, o.filter);
  const list = r.deleted.length ? `Deleted Containers:\n${r.deleted.map((id) => `${id}\n`).join('')}\n` : '';
  writeOut(`${list}Total reclaimed space: ${humanSize(r.reclaimed)}\n`);
}
