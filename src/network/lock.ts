// A cross-process lock file (O_EXCL create holding the owner's pid). A lock
// whose owner is gone is stale and taken over, so a crash never wedges berth.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { BerthError } from '../errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryAcquire(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o644);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  let owner = NaN;
  try { owner = Number(readFileSync(path, 'utf8')); } catch { return false; }
  // Empty file: the owner is between create and write; wait for it.
  if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && !alive(owner)) {
    rmSync(path, { force: true });
  }
  return false;
}

const held = new Map<string, number>();

/** Runs fn holding the lock at `path` (re-entrant within this process). */
export async function withLock<T>(path: string, fn: () => Promise<T> | T, timeoutMs = 30_000): Promise<T> {
  const depth = held.get(path) ?? 0;
  if (depth === 0) {
    mkdirSync(dirname(path), { recursive: true });
    const deadline = Date.now() + timeoutMs;
    while (!tryAcquire(path)) {
      if (Date.now() > deadline) throw new BerthError(`timed out waiting for the lock ${path}`);
      await new Promise((r) => setTimeout(r, 15 + Math.random() * 20));
    }
  }
  held.set(path, depth + 1);
  try {
    return await fn();
  } finally {
    const d = held.get(path)! - 1;
    if (d === 0) {
      held.delete(path);
      rmSync(path, { force: true });
    } else held.set(path, d);
  }
}
