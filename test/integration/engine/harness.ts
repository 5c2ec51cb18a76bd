// Engine-level container tests: a project test world, plus the clean-up of
// what `container run` makes outside any project (its containers, the
// default network, named volumes).
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { berthBin, repoRoot } from '../../helpers/env.js';
import { fetchOnce, teardown, type World } from '../project/harness.js';

export const IMAGE = 'berth-examples/busybox:latest';

/** Removes every container of the world (their anonymous volumes too), the default network and the given volumes. */
export function removeEngineObjects(w: World, volumes: string[] = []): void {
  const ids = w.berth(['container', 'ls', '-aq', '--no-trunc']).stdout.split('\n').filter(Boolean);
  if (ids.length) w.berth(['container', 'rm', '-f', '-v', ...ids]);
  w.berth(['network', 'rm', 'bridge']);
  for (const v of volumes) w.berth(['volume', 'rm', v]);
}

/** removeEngineObjects, then the project (down -v) and the world itself. */
export function engineTeardown(w: World, base: string[] = [], volumes: string[] = []): void {
  removeEngineObjects(w, volumes);
  if (base.length) teardown(w, base);
  else {
    spawnSync('nft', ['delete', 'table', 'inet', w.table]);
    w.cleanup();
  }
}

/** Polls until `fn` returns something other than undefined, or fails after `ms`. */
export async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The body served at 127.0.0.1:port/path once the server answers. */
export function fetchWhenUp(port: number, path: string): Promise<string> {
  return until(`127.0.0.1:${port}${path}`, () => fetchOnce(port, path).catch(() => undefined));
}

/** berth with `input` on its stdin. */
export function berthWithInput(w: World, args: string[], input: string): SpawnSyncReturns<string> {
  return spawnSync(berthBin, args, { cwd: repoRoot, env: w.env, input, encoding: 'utf8', timeout: 60_000 });
}

/** berth in the background: its pid, and its output and exit code once it ends. */
export function berthAsync(w: World, args: string[]): { pid: number; result: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(berthBin, args, { cwd: repoRoot, env: w.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const result = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { pid: child.pid!, result };
}

/** The files a process has open (their paths). */
export function openFiles(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).map((fd) => { try { return readlinkSync(`/proc/${pid}/fd/${fd}`); } catch { return ''; } });
  } catch {
    return [];
  }
}
