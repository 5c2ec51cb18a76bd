// A berth child process that runs until stopped (watch, up --watch), its
// output collected, and polls with deadlines for what the tests expect.
import { spawn, type ChildProcess } from 'node:child_process';
import { berthBin, repoRoot } from '../../helpers/env.js';
import type { World } from '../project/harness.js';

export interface Running {
  proc: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export function startBerth(w: World, args: string[], cwd = repoRoot): Running {
  const proc = spawn(berthBin, args, { cwd, env: w.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
  return { proc, output: () => out, exited };
}

/** Polls `fn` until it returns something truthy; fails with `what` and the last value after `ms`. */
export async function until<T>(what: string, fn: () => T | undefined | null | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stops a child that is still running (test cleanup). */
export async function stopChild(r: Running): Promise<void> {
  if (r.proc.exitCode !== null || r.proc.signalCode !== null) return;
  r.proc.kill('SIGKILL');
  await r.exited;
}
