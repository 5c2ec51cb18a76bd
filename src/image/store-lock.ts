// The image store's metadata lock: flock on <store>/lock. flock locks belong
// to an open file description, so two holders in one process exclude each
// other too, and the kernel drops the lock when a holder dies.
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BerthError } from '../errors.js';
import { tryFlock } from '../native/fs-ops.js';

export async function withStoreLock<T>(storeRoot: string, fn: () => T | Promise<T>, timeoutMs = 60_000): Promise<T> {
  const fd = openSync(join(storeRoot, 'lock'), 'a', 0o600);
  try {
    const deadline = Date.now() + timeoutMs;
    let wait = 2;
    while (!tryFlock(fd, true)) {
      if (Date.now() > deadline) throw new BerthError(`timed out waiting for the image store lock (${storeRoot}/lock)`);
      await sleep(wait);
      wait = Math.min(wait * 2, 50);
    }
    return await fn();
  } finally {
    closeSync(fd); // closing the description releases the lock
  }
}

/** Whether a process id is alive (used to spot temp files of dead writers). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
