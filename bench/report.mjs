#!/usr/bin/env node
// Prints the README's performance table (Markdown) from bench/results/*.json:
// one row per berth-vs-peer comparison (and per phase, e.g. up -d / down),
// medians and the ratio berth/peer (below 1: berth is faster), then the
// peers that were skipped or failed and why, and the tool versions.
// Usage: node bench/report.mjs [case ...]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(new URL('.', import.meta.url).pathname, 'results');
const wanted = process.argv.slice(2);
const ms = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);

const rows = [];
const notes = [];
const versions = {};
const loads = [];
let cores = '?';
for (const f of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const r = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  if (wanted.length && !wanted.includes(r.name)) continue;
  if (!r.ratios) continue; // written by an older harness: no comparisons recorded
  for (const [peer, ratio] of Object.entries(r.ratios)) {
    const b = r.results[ratio.base];
    const p = r.results[peer];
    const n = Math.min(b.n, p.n);
    rows.push(`| ${r.name} | ${ratio.base} | ${peer} | ${ms(b.median)} | ${ms(p.median)} | **${ratio.total.toFixed(2)}** | ${n} |`);
    for (const phase of Object.keys(p.phases ?? {})) {
      if (ratio[phase] === undefined) continue;
      rows.push(`| | ↳ ${phase} | | ${ms(b.phases[phase].median)} | ${ms(p.phases[phase].median)} | ${ratio[phase].toFixed(2)} | |`);
    }
  }
  if (r.host?.cpus) cores = r.host.cpus;
  if (r.host?.load) loads.push(`${r.name} ${r.host.load.join('–')}`);
  for (const [v, why] of Object.entries(r.skipped ?? {})) notes.push(`- ${r.name}: ${v} skipped: ${why}`);
  for (const [v, why] of Object.entries(r.failed ?? {})) notes.push(`- ${r.name}: ${v} failed: ${why}`);
  for (const [tool, v] of Object.entries(r.versions ?? {})) {
    versions[tool] = typeof v === 'string' ? v : `${v.compose} (${v.engine})`;
  }
}

console.log('| Case | berth | Peer | berth median | Peer median | berth/peer | Runs |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
if (Object.keys(versions).length) {
  console.log('\nVersions: ' + Object.entries(versions).map(([t, v]) => `${t} ${v.replace(/^berth version /, '')}`).join('; ') + '.');
}
if (loads.length) console.log(`\nLoad average (1 min) at the start and end of each case (${cores} cores): ${loads.join('; ')}.`);
if (notes.length) console.log('\n' + notes.join('\n'));
