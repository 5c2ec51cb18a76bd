#!/usr/bin/env node
// Benchmark harness: `npm run bench [-- name ...]`. Each case in bench/cases/
// runs berth and its peers on the same input, several repetitions, side by
// side in one run; prints min/median/max and the ratio berth/peer, and writes
// bench/results/<case>.json (the README's performance section is made from it).
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { sample } from './lib.mjs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const wanted = process.argv.slice(2);

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1], n: s.length };
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)).padStart(7) + ' ms';

mkdirSync(join(here, 'results'), { recursive: true });
const files = readdirSync(join(here, 'cases')).filter((f) => f.endsWith('.mjs')).sort();
for (const f of files) {
  const mod = await import(join(here, 'cases', f));
  const bench = mod.default;
  if (wanted.length && !wanted.includes(bench.name)) continue;
  console.log(`\n## ${bench.name}: ${bench.description}`);
  const ctx = bench.setup ? await bench.setup() : {};
  const results = {};
  try {
    for (const v of bench.variants(ctx)) {
      if (v.available && !v.available()) { console.log(`  ${v.name.padEnd(22)} (not installed: ${v.install ?? 'see case'})`); continue; }
      try {
        results[v.name] = stats(await sample(v.run, { reps: bench.reps ?? 10, warmup: bench.warmup ?? 2 }));
      } catch (e) {
        console.log(`  ${v.name.padEnd(22)} failed: ${e.message.split('\n')[0]}`);
      }
    }
  } finally {
    if (bench.teardown) await bench.teardown(ctx);
  }
  const base = results.berth;
  for (const [name, s] of Object.entries(results)) {
    const ratio = base && name !== 'berth' ? `  berth/${name} = ${(base.median / s.median).toFixed(3)}` : '';
    console.log(`  ${name.padEnd(22)} min ${fmt(s.min)}  median ${fmt(s.median)}  max ${fmt(s.max)}${ratio}`);
  }
  writeFileSync(join(here, 'results', `${bench.name}.json`), JSON.stringify({
    name: bench.name, description: bench.description, date: new Date().toISOString(), results,
  }, null, 2) + '\n');
}
