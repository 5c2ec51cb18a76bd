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
import { cpus, loadavg, release } from 'node:os';
import { join } from 'node:path';
import { measure, ratios } from './harness.mjs';

const here = new URL('.', import.meta.url).pathname;
const wanted = process.argv.slice(2);

// Ctrl-C or a kill tears the running case down (private dockerd and podman,
// berth projects) before exiting: never leave engines running. measure()
// yields to the event loop between runs so the handler gets its turn, and
// stops starting runs once `stopping` is set; a signal during a case's
// setup is acted on when the setup returns.
let stopping = false;
let teardownNow = null;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${sig}: tearing down`);
    if (!teardownNow) return; // between cases or in a setup: the main loop exits
    try { await teardownNow(); } catch (e) { console.error(e.message); }
    process.exit(130);
  });
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)).padStart(7) + ' ms';

mkdirSync(join(here, 'results'), { recursive: true });
const files = readdirSync(join(here, 'cases')).filter((f) => f.endsWith('.mjs')).sort();
for (const f of files) {
  const mod = await import(join(here, 'cases', f));
  const bench = mod.default;
  if (wanted.length && !wanted.includes(bench.name)) continue;
  if (stopping) process.exit(130);
  console.log(`\n## ${bench.name}: ${bench.description}`);
  const log = (s) => console.log(s);
  const load0 = loadavg()[0];
  const ctx = bench.setup ? await bench.setup() : {};
  let done = null;
  const teardown = () => (done ??= Promise.resolve(bench.teardown?.(ctx)));
  if (stopping) { await teardown(); process.exit(130); }
  teardownNow = teardown;
  let variants = [];
  const skipped = {};
  let out;
  try {
    for (const v of bench.variants(ctx)) {
      const reason = v.unavailable ?? (v.available && !v.available() ? `not installed: ${v.install ?? 'see case'}` : null);
      if (reason) { skipped[v.name] = reason; log(`  ${v.name.padEnd(24)} skipped (${reason})`); continue; }
      variants.push(v);
    }
    // BENCH_REPS / BENCH_WARMUP override the case's counts (a quick smoke run).
    out = await measure({
      reps: Number(process.env.BENCH_REPS || bench.reps || 10),
      warmup: Number(process.env.BENCH_WARMUP ?? bench.warmup ?? 2),
      interleave: bench.interleave,
      stop: () => stopping,
    }, variants, log);
  } finally {
    await teardown();
    teardownNow = null;
  }
  if (stopping) process.exit(130); // partial results are not written
  const ratio = ratios(variants, out.results);
  for (const [name, s] of Object.entries(out.results)) {
    const r = ratio[name] ? `  ${ratio[name].base}/${name} = ${ratio[name].total.toFixed(3)}` : '';
    log(`  ${name.padEnd(24)} min ${fmt(s.min)}  median ${fmt(s.median)}  max ${fmt(s.max)}${r}`);
    for (const [k, p] of Object.entries(s.phases ?? {})) {
      const pr = ratio[name]?.[k] !== undefined ? `  ratio ${ratio[name][k].toFixed(3)}` : '';
      log(`    ${k.padEnd(22)} min ${fmt(p.min)}  median ${fmt(p.median)}  max ${fmt(p.max)}${pr}`);
    }
  }
  // A case may add its own figures from the results (e.g. multiples of `node -e 0`).
  const summary = bench.summary?.(out.results);
  for (const [k, v] of Object.entries(summary ?? {})) log(`  ${k.padEnd(24)} ${v}`);
  writeFileSync(join(here, 'results', `${bench.name}.json`), JSON.stringify({
    name: bench.name, description: bench.description, date: new Date().toISOString(),
    // 1-minute load average at the start and end: other jobs on the machine.
    host: { node: process.version, kernel: release(), cpus: cpus().length, load: [+load0.toFixed(1), +loadavg()[0].toFixed(1)] },
    interleaved: bench.interleave !== false,
    versions: ctx.versions ?? undefined,
    results: out.results, ratios: ratio, ...(summary ? { summary } : {}), skipped, failed: out.failed,
  }, null, 2) + '\n');
}
