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
 */
export async function runCaptured(file: string, args: string[]): Promise<CapturedRun> {
  const run = nativeFn<(f: string, a: string[]) => Promise<{ status: number; stdout: Buffer; stderr: Buffer }>>('spawnCaptured');
  const r = await run(file, [file, ...args]);
  return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}
