// A cross-process mutex on a lock file: flock(2) on a descriptor opened for
// each holder. The kernel drops the lock when the holder's descriptor closes,
// so a holder killed at any point (even between open and write) never leaves
// a stale lock behind, and a recycled pid can never be mistaken for an owner.
// Used for shared stores (network records and leases, the image store) where
// callers in one process run in parallel: they queue in order here first, so
// only one descriptor per path polls the kernel.
import { closeSync, mkdirSync, openSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BerthError } from '../errors.js';
import { flock, LOCK_EX } from '../native/flock.js';

export interface FileLockOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** What the lock protects, for the timeout message (default: the path). */
  what?: string;
}

const queues = new Map<string, Promise<unknown>>();

/** Runs fn holding the lock at `path`. Not re-entrant: fn must not take the same lock. */
export async function withFileLock<T>(path: string, fn: () => Promise<T> | T, opts: FileLockOptions = {}): Promise<T> {
  const prev = queues.get(path) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => { release = r; });
  const tail = prev.then(() => mine);
  queues.set(path, tail);
  await prev;
  try {
    const fd = await acquire(path, opts);
    try {
      return await fn();
    } finally {
      closeSync(fd); // closing the description releases the lock
    }
  } finally {
    release();
    if (queues.get(path) === tail) queues.delete(path);
  }
}

async function acquire(path: string, opts: FileLockOptions): Promise<number> {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600);
  try {
    const timeout = opts.timeoutMs ?? 60_000;
    const deadline = Date.now() + timeout;
    let wait = 2;
    while (!flock(fd, LOCK_EX)) {
      if (Date.now() > deadline) {
        throw new BerthError(`timed out after ${Math.round(timeout / 100) / 10}s waiting for the lock of ${opts.what ?? path}`);
      }
      await sleep(wait);
      wait = Math.min(wait * 2, 50);
    }
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
