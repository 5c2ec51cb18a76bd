// A container's status, checked against reality: the shim's state.json says
// what it last saw, and the shim process must still exist for "running",
// "paused" or "restarting" to be true.
import { readFileSync } from 'node:fs';
import { readJson } from '../state/atomic.js';
import type { ContainerPaths } from './paths.js';

type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead';

/** state.json as the shim writes it (see native/shim/PROTOCOL.md). */
export interface ShimState {
  id: string;
  status: ContainerStatus;
  pid: number;
  shimPid: number;
  exitCode: number;
  signal: string | null;
  oomKilled: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  restartCount: number;
  error: string | null;
  health: null | { status: 'starting' | 'healthy' | 'unhealthy'; failingStreak: number; log: { start: string; end: string; exitCode: number; output: string }[] };
}

function readShimState(p: ContainerPaths): ShimState | undefined {
  try {
    return readJson<ShimState>(p.state);
  } catch {
    return undefined; // torn or foreign file: treat as unknown
  }
}

/** True when `pid` is a live berth-shim serving container `id` (not a recycled pid). */
export function isShimAlive(pid: number | undefined, id: string): boolean {
  if (!pid || pid <= 0) return false;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return false;
  }
  if (cmdline === '') return false; // zombie
  const argv = cmdline.split('\0');
  return argv.some((a) => a.includes('berth-shim')) && argv.includes(id);
}

function shimPid(p: ContainerPaths, state: ShimState | undefined): number | undefined {
  try {
    const n = Number(readFileSync(p.shimPid, 'utf8').trim());
    if (Number.isInteger(n) && n > 0) return n;
  } catch { /* no pid file: the shim exited or never ran */ }
  return state?.shimPid;
}

/** True when `pid` is a live process in the container's cgroup (not a recycled pid). */
function containerInitAlive(pid: number | undefined, id: string): boolean {
  if (!pid || pid <= 0) return false;
  try {
    // A zombie (killed, not yet reaped by a slow PID 1) is gone; it can still
    // list the container's cgroup in the unified and named hierarchies.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) return false;
    return readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(`berth-${id}`);
  } catch {
    return false;
  }
}

export interface ObservedStatus {
  status: ContainerStatus;
  state?: ShimState;
  shimAlive: boolean;
  shimPid?: number;
  /** Why the status differs from what state.json says, if it does. */
  note?: string;
}

export function observeStatus(p: ContainerPaths, id: string): ObservedStatus {
  const state = readShimState(p);
  const pid = shimPid(p, state);
  const alive = isShimAlive(pid, id);
  if (!state) return alive ? { status: 'created', shimAlive: true, shimPid: pid } : { status: 'created', shimAlive: false };
  const live = state.status === 'running' || state.status === 'paused' || state.status === 'restarting' || state.status === 'created';
  if (live && !alive) {
    // The container's init dies with its shim (the runtime arms a parent-death
    // SIGKILL): then it has exited, killed. Still running without a shim (a
    // runtime that does not do that) it is dead, and stop or rm kills it.
    if (!containerInitAlive(state.pid, id)) {
      return {
        status: 'exited', state: { ...state, status: 'exited', exitCode: 137, signal: 'SIGKILL' }, shimAlive: false, shimPid: pid,
        note: `berth-shim (pid ${pid ?? '?'}) is gone; the container was killed with it`,
      };
    }
    return { status: 'dead', state, shimAlive: false, shimPid: pid, note: `berth-shim (pid ${pid ?? '?'}) is gone` };
  }
  return { status: state.status, state, shimAlive: alive, shimPid: pid };
}
