// Engine-level container tests: a project test world, plus the clean-up of
// what `container run` makes outside any project (its containers, the
// default network, named volumes).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
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
