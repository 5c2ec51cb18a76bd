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

// Callers in this process queue behind each other first (the orchestrator runs
// independent work in parallel); the file then excludes other processes.
const queues = new Map<string, Promise<unknown>>();

/** Runs fn holding the lock at `path`. Not re-entrant: fn must not take the same lock. */
export async function withLock<T>(path: string, fn: () => Promise<T> | T, timeoutMs = 30_000): Promise<T> {
  const prev = queues.get(path) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => { release = r; });
  const tail = prev.then(() => mine);
  queues.set(path, tail);
  await prev;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const deadline = Date.now() + timeoutMs;
    while (!tryAcquire(path)) {
      if (Date.now() > deadline) throw new BerthError(`timed out waiting for the lock ${path}`);
      await new Promise((r) => setTimeout(r, 15 + Math.random() * 20));
    }
    try {
      return await fn();
    } finally {
      rmSync(path, { force: true });
    }
  } finally {
    release();
    if (queues.get(path) === tail) queues.delete(path);
  }
}
