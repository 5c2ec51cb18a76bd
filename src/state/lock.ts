// The project lock: two berth commands on the same project never interleave,
// different projects proceed concurrently. flock(2) on
// <root>/projects/<name>/lock: the kernel drops the lock when the holder's
// file is closed, so a holder killed with SIGKILL never leaves a stale lock.
// The holder writes its pid and command into the file so that a waiter can
// say whom it waits for. The fd is opened O_CLOEXEC (Node always does), so
// processes we spawn (shims) never inherit the lock.
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { BerthError } from '../errors.js';
import { flock, LOCK_EX, LOCK_UN } from '../native/flock.js';
import type { StatePaths } from './paths.js';

/** Compose's project name rule; it also keeps the lock path inside the state root. */
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

interface LockHolder {
  pid: number;
  command: string;
  since: string;
}

export interface LockOptions {
  /** Give up after this long (the configured BERTH_LOCK_TIMEOUT, `lockTimeoutMs`). */
  timeoutMs: number;
  /** Called once when the lock is busy (default: one line on stderr). */
  onWait?: (message: string) => void;
}

export interface ProjectLock {
  /** The project (or resource) name. */
  readonly project: string;
  readonly path: string;
  release(): void;
}

interface Held { fd: number; count: number }
const held = new Map<string, Held>(); // re-entrant within this process

function lockPath(paths: StatePaths, project: string): string {
  if (!PROJECT_NAME.test(project)) {
    throw new BerthError(`invalid project name "${project}": it must contain only lowercase letters, digits, dashes and underscores, and start with a letter or digit`);
  }
  return join(paths.projects, project, 'lock');
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' ? h : undefined;
  } catch {
    return undefined; // empty (between holders) or being written
  }
}

function describe(h: LockHolder | undefined): string {
  return h ? `pid ${h.pid}${h.command ? `: ${h.command}` : ''}` : 'pid unknown';
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes the project's lock, waiting (polling with back-off) while another command holds it. */
export async function lockProject(paths: StatePaths, project: string, opts: LockOptions): Promise<ProjectLock> {
  return lockFile(lockPath(paths, project), project, `project ${project}`, opts);
}

/** Names of the root-wide locks (e.g. `volumes`: rm/prune against containers taking a volume into use). */
const RESOURCE = /^[a-z][a-z0-9-]*$/;

/** A root-wide lock at <root>/locks/<name>, for state shared by every project. */
export async function lockResource(paths: StatePaths, name: string, opts: LockOptions): Promise<ProjectLock> {
  if (!RESOURCE.test(name)) throw new Error(`invalid lock name ${JSON.stringify(name)}`);
  return lockFile(join(paths.root, 'locks', name), name, `${name} of the state root`, opts);
}

async function lockFile(path: string, label: string, what: string, opts: LockOptions): Promise<ProjectLock> {
  const mine = held.get(path);
  if (mine) {
    mine.count++;
    return handle(label, path);
  }
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  try {
    const timeout = opts.timeoutMs;
    const start = Date.now();
    let delay = 10;
    let told = false;
    while (!flock(fd, LOCK_EX)) {
      const holder = readHolder(path);
      const waited = Date.now() - start;
      if (!told && (holder || waited > 1000)) {
        told = true;
        const msg = `waiting for another berth command on ${what} (${describe(holder)})`;
        if (opts.onWait) opts.onWait(msg); else process.stderr.write(`${msg}\n`);
      }
      if (waited >= timeout) {
        throw new BerthError(`timed out after ${Math.round(timeout / 100) / 10}s waiting for the lock of ${what}, held by ${describe(holder)}; try again when it has finished (BERTH_LOCK_TIMEOUT sets the wait in seconds)`);
      }
      await sleep(Math.min(delay, timeout - waited));
      delay = Math.min(Math.round(delay * 1.5), 250);
    }
    const info: LockHolder = { pid: process.pid, command: ['berth', ...process.argv.slice(2)].join(' ').slice(0, 200), since: new Date().toISOString() };
    ftruncateSync(fd, 0);
    writeSync(fd, JSON.stringify(info) + '\n', 0);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  held.set(path, { fd, count: 1 });
  return handle(label, path);
}

function handle(project: string, path: string): ProjectLock {
  let released = false;
  return {
    project,
    path,
    release() {
      if (released) return;
      released = true;
      const h = held.get(path);
      if (!h || --h.count > 0) return;
      held.delete(path);
      try {
        ftruncateSync(h.fd, 0); // a waiter must not name us once we are gone
        flock(h.fd, LOCK_UN);
      } finally {
        closeSync(h.fd);
      }
    },
  };
}

/** Runs fn while holding the project's lock. */
export async function withProjectLock<T>(paths: StatePaths, project: string, fn: () => Promise<T> | T, opts: LockOptions): Promise<T> {
  const lock = await lockProject(paths, project, opts);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
