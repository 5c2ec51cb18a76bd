// `exec`: the service's container (--index), then `runtime exec` with this
// process's stdio (a real pty with --tty: the runtime relays it and puts our
// terminal in raw mode); the exit code is the command's.
import { spawn } from 'node:child_process';
import { BerthError } from '../errors.js';
import { signalNumber } from '../signals.js';
import { heldCaps } from '../container/capabilities.js';
import { execExitCode } from '../container/exec-failure.js';
import { observeStatus } from '../container/status.js';
import { resolveUser } from '../container/user.js';
import { serviceContainer } from '../logs/select.js';
import { pathsAt } from './state-root.js';
import { runPassthrough } from '../native/spawn.js';
import { Engine } from './engine.js';

export interface ExecRequest {
  tty: boolean;
  detach?: boolean;
  env?: Record<string, string>;
  user?: string;
  workdir?: string;
  privileged?: boolean;
}

/** The runtime's exec arguments for a container (user names resolved in its rootfs). */
export function execArgs(rec: { id: string; runtimeRoot: string; rootfs: string }, argv: string[], r: ExecRequest): string[] {
  const args = ['--root', rec.runtimeRoot, 'exec'];
  if (r.tty) args.push('--tty');
  if (r.detach) args.push('--detach');
  if (r.workdir) args.push('--cwd', r.workdir);
  if (r.user) {
    const u = resolveUser(r.user, rec.rootfs);
    args.push('--user', `${u.uid}:${u.gid}`);
    for (const gid of u.additionalGids) args.push('--additional-gids', String(gid));
  }
  for (const [k, v] of Object.entries(r.env ?? {})) args.push('--env', `${k}=${v}`);
  if (r.privileged) for (const cap of heldCaps()) args.push('--cap', cap);
  args.push(rec.id, ...argv);
  return args;
}

/**
 * Runs the runtime with inherited stdio; resolves with the command's exit
 * code. stderr passes through us as it comes: its last line tells a command
 * the runtime could not start (docker's 126/127) from one that ran. Spawned
 * by the addon, not child_process: no fork of Node (~10 ms) and no
 * child_process module (~5 ms) on every exec.
 */
export async function runInherited(runtime: string, args: string[]): Promise<number> {
  // The terminal's Ctrl-C reaches the runtime (same process group); we only wait for it.
  const ignore = () => undefined;
  process.on('SIGINT', ignore);
  try {
    const r = await runPassthrough(runtime, args).catch((e: Error) => {
      throw new BerthError(`exec: cannot run ${runtime}: ${e.message}`);
    });
    return r.signal ? 128 + r.signal : execExitCode(r.status, r.stderrTail);
  } finally {
    process.off('SIGINT', ignore);
  }
}

export interface ExecOptions extends ExecRequest {
  root?: string;
  project: string;
  service: string;
  /** --index: the service's container number (default: the first). */
  index?: number;
  argv: string[];
}

/** The service's container (--index) when it is running; an error line otherwise. */
function runningContainer(o: ExecOptions) {
  const paths = pathsAt(o.root);
  const c = new Engine(paths).containers;
  const { record } = serviceContainer(paths, o.project, o.service, o.index);
  const obs = observeStatus(c.pathsOf(record.id), record.id);
  if (obs.status === 'paused') throw new BerthError(`container ${record.name} is paused, unpause it first`);
  if (obs.status !== 'running') throw new BerthError(`service "${o.service}" is not running (container ${record.name} is ${obs.status})`);
  return { c, record };
}

/** `exec` in a service's running container; resolves with the command's exit code. */
export async function execInService(o: ExecOptions): Promise<number> {
  const { c, record } = runningContainer(o);
  const died = c.execStarted(record, o.argv);
  const code = await runInherited(c.runtimeOf(record), execArgs(record, o.argv, o));
  died(code);
  return code;
}

/** Runs the runtime with stdin closed and its output handed to `onOutput`; aborting `signal` stops it. */
function runPiped(runtime: string, args: string[], onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(runtime, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    child.stdout!.on('data', (d: Buffer) => onOutput('stdout', d));
    child.stderr!.on('data', (d: Buffer) => {
      onOutput('stderr', d);
      tail = (tail + d.toString('utf8')).slice(-4096);
    });
    const stop = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', stop, { once: true });
    child.on('error', (e) => reject(new BerthError(`exec: cannot run ${runtime}: ${e.message}`)));
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', stop);
      resolve(code !== null ? execExitCode(code, tail) : 128 + (sig ? signalNumber(sig) : 0));
    });
  });
}

/** `exec` without a terminal, its output through `onOutput` (another node's exec, served here). */
export async function execInServiceTo(o: ExecOptions, onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void, signal?: AbortSignal): Promise<number> {
  const { c, record } = runningContainer(o);
  const died = c.execStarted(record, o.argv);
  const code = await runPiped(c.runtimeOf(record), execArgs(record, o.argv, { ...o, tty: false }), onOutput, signal);
  died(code);
  return code;
}
