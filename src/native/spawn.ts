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
