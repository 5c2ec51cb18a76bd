// The harness's measuring part, apart from run.mjs's I/O so that it can be
// tested: statistics, interleaved sampling with phases, berth/peer ratios.
import { performance } from 'node:perf_hooks';

export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x) => Math.round(x * 10) / 10;
  return { min: r(s[0]), median: r(s[Math.floor(s.length / 2)]), max: r(s[s.length - 1]), n: s.length };
}

/** One timed run: total ms and the phases the variant reported. */
async function timed(v) {
  const t0 = performance.now();
  const phases = await v.run();
  const total = performance.now() - t0;
  if (!phases || typeof phases !== 'object') return { total, phases: null };
  // With phases, the total is their sum: checks the variant makes between
  // phases (are the containers really up?) are not timed.
  return { total: Object.values(phases).reduce((a, b) => a + b, 0), phases };
}

/**
 * Samples each variant `reps` times after `warmup` untimed runs. Interleaved
 * unless opts.interleave is false: one run of each variant per round, the
 * order rotated each round. A variant that throws is reported in `failed`
 * and not run again. opts.stop(), when given and true, ends sampling early.
 * Returns { results: name → stats (+ phases), failed }.
 */
export async function measure(opts, variants, log = () => {}) {
  const reps = opts.reps ?? 10;
  const warmup = opts.warmup ?? 2;
  const samples = new Map(variants.map((v) => [v.name, { total: [], phases: {} }]));
  const failed = {};
  const live = () => variants.filter((v) => !(v.name in failed));
  const attempt = async (v, record) => {
    // A macrotask turn between runs lets signal handlers run (runs are
    // mostly synchronous); after opts.stop() says so, nothing new starts.
    await new Promise((r) => setImmediate(r));
    if (opts.stop?.()) return;
    try {
      const t = await timed(v);
      if (!record) return;
      const s = samples.get(v.name);
      s.total.push(t.total);
      for (const [k, ms] of Object.entries(t.phases ?? {})) (s.phases[k] ??= []).push(ms);
    } catch (e) {
      failed[v.name] = e.message.split('\n').slice(0, 3).join(' ');
      log(`  ${v.name.padEnd(24)} failed: ${failed[v.name]}`);
    }
  };
  if (opts.interleave === false) {
    for (const v of variants) {
      for (let i = 0; i < warmup + reps && !(v.name in failed); i++) await attempt(v, i >= warmup);
    }
  } else {
    for (const v of variants) for (let i = 0; i < warmup && !(v.name in failed); i++) await attempt(v, false);
    for (let round = 0; round < reps; round++) {
      const vs = live();
      for (let j = 0; j < vs.length; j++) await attempt(vs[(j + round) % vs.length], true);
    }
  }
  const results = {};
  for (const v of variants) {
    const s = samples.get(v.name);
    if (v.name in failed || !s.total.length) continue;
    results[v.name] = stats(s.total);
    const ph = Object.entries(s.phases);
    if (ph.length) results[v.name].phases = Object.fromEntries(ph.map(([k, xs]) => [k, stats(xs)]));
  }
  return { results, failed };
}

/** berth/peer ratios of medians, for the total and each phase; a variant's `base` (default "berth", null: none) names its berth. */
export function ratios(variants, results) {
  const out = {};
  for (const v of variants) {
    const base = 'base' in v ? v.base : 'berth';
    const b = results[base];
    const p = results[v.name];
    if (!b || !p || v.name === base) continue;
    const r = { base, total: +(b.median / p.median).toFixed(3) };
    for (const k of Object.keys(p.phases ?? {})) {
      if (b.phases?.[k]) r[k] = +(b.phases[k].median / p.phases[k].median).toFixed(3);
    }
    out[v.name] = r;
  }
  return out;
}
