// Helpers for bench cases: timing samples and checked commands.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** Runs fn `reps` times after `warmup` runs; returns durations in ms. */
export async function sample(fn, { reps = 10, warmup = 2 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const out = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** A timed shell command; throws when it fails, so a broken peer never looks fast. */
export function command(argv, opts = {}) {
  return () => {
    const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
    if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${String(r.stderr).slice(0, 400)}`);
  };
}

