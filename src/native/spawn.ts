// Typed view of the addon's spawnDetached (native/addon/spawn-detached.cc):
// posix_spawn on a worker thread, new session, stdio on /dev/null, a report
// pipe as the child's fd 3; resolves once that first process has exited.
import { nativeFn } from './addon.js';

export interface DetachedChild {
  pid: number;
  /** Read end of the child's fd 3 (the caller closes it). */
  fd: number;
  /** Exit status of the spawned process (128 + n when killed by signal n). */
  status: number;
}

export const spawnDetached = (path: string, argv: string[]): Promise<DetachedChild> =>
  nativeFn<(p: string, a: string[]) => Promise<DetachedChild>>('spawnDetached')(path, argv);

export interface LineRead {
  /** What came before the first newline, or everything that came. */
  text: string;
  /** A newline came (else end of file, `max` bytes without one, or the timeout). */
  complete: boolean;
  timedOut: boolean;
}

/**
 * Reads one line from a pipe (a helper's report on fd 3) on the event loop,
 * without node:net; takes the descriptor over and closes it.
 */
export const readLine = (fd: number, max: number, timeoutMs: number): Promise<LineRead> =>
  nativeFn<(f: number, m: number, t: number) => Promise<LineRead>>('readLine')(fd, max, timeoutMs);

/**
 * Starts a long-running helper that does not fork itself (berth-dns) in its
 * own session, stdout and stderr appended to `log`; returns its pid at once.
 */
export const spawnDaemon = (path: string, argv: string[], log: string): number =>
  nativeFn<(p: string, a: string[], l: string) => number>('spawnDaemon')(path, argv, log);

export interface CapturedRun {
  /** Exit code (128 + n when killed by signal n). */
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a short helper to its end and returns its output (the addon's
 * spawnCaptured: posix_spawnp on a worker thread, where child_process would
 * fork all of Node on the JS thread). `file` is looked up in PATH when it
 * has no slash; a failure to start rejects with its errno code (ENOENT).
 * `input` is written to its stdin (a pipe; else stdin is /dev/null).
 */
export async function runCaptured(file: string, args: string[], input?: string): Promise<CapturedRun> {
  const r = await spawnCaptured(file, [file, ...args], false, input === undefined ? undefined : Buffer.from(input));
  return { status: r.signal ? 128 + r.signal : r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/**
 * Runs a command on our own stdin and stdout (as `exec` runs the runtime),
 * its stderr copied to ours as it comes; resolves with its status and the
 * last 4 KiB of its stderr. Same spawn as runCaptured: no fork of Node.
 */
export async function runPassthrough(file: string, args: string[]): Promise<{ status: number; signal: number; stderrTail: string }> {
  const r = await spawnCaptured(file, [file, ...args], true);
  return { status: r.status, signal: r.signal, stderrTail: r.stderr.toString('utf8') };
}

/** status: the exit code (-1 when killed); signal: the signal that killed it (0 when it exited). */
const spawnCaptured = (file: string, argv: string[], passthrough: boolean, input?: Buffer) =>
  nativeFn<(f: string, a: string[], p: boolean, i?: Buffer) => Promise<{ status: number; signal: number; stdout: Buffer; stderr: Buffer }>>('spawnCaptured')(file, argv, passthrough, input);
