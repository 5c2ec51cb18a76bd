#!/usr/bin/env node
// Benchmark harness: `npm run bench [-- name ...]`. Each case in bench/cases/
// runs berth and its peers on the same input, several repetitions, side by
// side in one run; prints min/median/max and the ratio berth/peer, and writes
// bench/results/<case>.json (`node bench/report.mjs` makes the README's
// performance table from those files).
//
// Repetitions are interleaved (one of each variant per round, the order
// rotated each round) so that load from other jobs on the machine falls on
// every variant alike. A case may set `interleave: false` to run each
// variant's repetitions back to back.
//
// A variant: { name, run, base?, available?, unavailable?, install? }.
// - run() may return { phase: ms, ... }: each phase gets its own statistics
//   (up -d and down of one up+down repetition) and the total is their sum.
// - base names the variant its ratio is taken against (default "berth";
//   null: none, for a reference such as Node's own start-up).
// - available() false or unavailable (a reason string) skips it, recorded.
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const here = new URL('.', import.meta.url).pathname;
const wanted = process.argv.slice(2);

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x) => Math.round(x * 10) / 10;
  return { min: r(s[0]), median: r(s[Math.floor(s.length / 2)]), max: r(s[s.length - 1]), n: s.length };
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)).padStart(7) + ' ms';

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

async function measure(bench, variants, log) {
  // BENCH_REPS / BENCH_WARMUP override the case's counts (a quick smoke run).
  const reps = Number(process.env.BENCH_REPS || bench.reps || 10);
  const warmup = Number(process.env.BENCH_WARMUP ?? bench.warmup ?? 2);
  const samples = new Map(variants.map((v) => [v.name, { total: [], phases: {} }]));
  const failed = {};
  const live = () => variants.filter((v) => !(v.name in failed));
  const attempt = async (v, record) => {
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
  if (bench.interleave === false) {
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

/** berth/peer ratios of medians, for the total and each phase. */
function ratios(variants, results) {
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

mkdirSync(join(here, 'results'), { recursive: true });
const files = readdirSync(join(here, 'cases')).filter((f) => f.endsWith('.mjs')).sort();
for (const f of files) {
  const mod = await import(join(here, 'cases', f));
  const bench = mod.default;
  if (wanted.length && !wanted.includes(bench.name)) continue;
  console.log(`\n## ${bench.name}: ${bench.description}`);
  const log = (s) => console.log(s);
  const ctx = bench.setup ? await bench.setup() : {};
  let variants = [];
  const skipped = {};
  let out;
  try {
    for (const v of bench.variants(ctx)) {
      const reason = v.unavailable ?? (v.available && !v.available() ? `not installed: ${v.install ?? 'see case'}` : null);
      if (reason) { skipped[v.name] = reason; log(`  ${v.name.padEnd(24)} skipped (${reason})`); continue; }
      variants.push(v);
    }
    out = await measure(bench, variants, log);
  } finally {
    if (bench.teardown) await bench.teardown(ctx);
  }
  const ratio = ratios(variants, out.results);
  for (const [name, s] of Object.entries(out.results)) {
    const r = ratio[name] ? `  ${ratio[name].base}/${name} = ${ratio[name].total.toFixed(3)}` : '';
    log(`  ${name.padEnd(24)} min ${fmt(s.min)}  median ${fmt(s.median)}  max ${fmt(s.max)}${r}`);
    for (const [k, p] of Object.entries(s.phases ?? {})) {
      const pr = ratio[name]?.[k] !== undefined ? `  ratio ${ratio[name][k].toFixed(3)}` : '';
      log(`    ${k.padEnd(22)} min ${fmt(p.min)}  median ${fmt(p.median)}  max ${fmt(p.max)}${pr}`);
    }
  }
  writeFileSync(join(here, 'results', `${bench.name}.json`), JSON.stringify({
    name: bench.name, description: bench.description, date: new Date().toISOString(),
    host: { node: process.version, kernel: release(), cpus: cpus().length },
    interleaved: bench.interleave !== false,
    versions: ctx.versions ?? undefined,
    results: out.results, ratios: ratio, skipped, failed: out.failed,
  }, null, 2) + '\n');
}
