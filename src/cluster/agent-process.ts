// The node agent runs detached (its own session, stdio to a log file), like
// the container shims: the CLI that started it exits, the agent stays. Its pid
// is in <root>/cluster/agent.pid.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import type { StatePaths } from '../state/paths.js';
import { repoPath } from '../repo-root.js';

export const agentPidPath = (paths: StatePaths): string => join(paths.root, 'cluster', 'agent.pid');
const agentLogPath = (paths: StatePaths): string => join(paths.root, 'cluster', 'agent.log');

function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

function agentPid(paths: StatePaths): number | undefined {
  try {
    const pid = Number(readFileSync(agentPidPath(paths), 'utf8').trim());
    return pid > 0 && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export const agentRunning = (paths: StatePaths): boolean => agentPid(paths) !== undefined;

/** Starts `berth node agent` detached and waits until it reports ready (it writes its pid file). */
export async function startAgent(paths: StatePaths): Promise<number> {
  rmSync(agentPidPath(paths), { force: true });
  const log = openSync(agentLogPath(paths), 'a');
  const child = spawn(process.execPath, [repoPath('bin/berth'), '--root', paths.root, 'node', 'agent'], {
    detached: true, stdio: ['ignore', log, log], env: { ...process.env, BERTH_RUNTIME_DIR: paths.runtime },
  });
  closeSync(log);
  child.unref();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const pid = agentPid(paths);
    if (pid) return pid;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  let tail = '';
  try { tail = readFileSync(agentLogPath(paths), 'utf8').trim().split('\n').slice(-1)[0] ?? ''; } catch { /* no log */ }
  throw new BerthError(`the node agent did not start${tail ? `: ${tail}` : ''}`);
}

export async function stopAgent(paths: StatePaths): Promise<void> {
  const pid = agentPid(paths);
  if (pid) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (alive(pid)) {
      if (Date.now() > deadline) { process.kill(pid, 'SIGKILL'); break; }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  rmSync(agentPidPath(paths), { force: true });
}
