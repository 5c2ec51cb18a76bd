#!/usr/bin/env node
// Builds, then runs the test tiers in one node:test run so that CI reads one
// summary. `unit` needs nothing; `integration` needs root and real kernel
// objects (skipped with a notice when not root). The whole run and the unit
// tier start with `npm run lint`; a filtered run does not.
// Usage: test.mjs [unit|integration] [filter]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildAddon } from './addon.mjs';

const root = new URL('..', import.meta.url).pathname;
const [tier = 'all', filter = ''] = process.argv.slice(2);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function findTests(dir) {
  let out = [];
  let entries = [];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const e of entries.sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(findTests(p));
    else if (e.endsWith('.test.js') && p.includes(filter)) out.push(p);
  }
  return out;
}

if (!process.env.BERTH_TEST_NO_BUILD) {
  // The addon is built by `npm ci`; rebuilt here when its sources are newer (a pulled change).
  buildAddon(root);
  run('npm', ['run', '-s', 'build:ts']);
  run('make', ['-s', '-C', 'native']);
}

if ((tier === 'all' || tier === 'unit') && !filter) run('npm', ['run', '-s', 'lint']);

const files = [];
if (tier === 'all' || tier === 'unit') files.push(...findTests(join(root, 'dist/test/unit')));
if (tier === 'all' || tier === 'integration') {
  if (process.getuid?.() === 0) files.push(...findTests(join(root, 'dist/test/integration')));
  else console.log('# integration tier skipped: it needs root (real namespaces, mounts, links)');
}
if (files.length === 0) { console.error('no test files found'); process.exit(1); }

const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], {
  cwd: root, stdio: 'inherit', env: { ...process.env, BERTH_REPO: root },
});
process.exit(r.status ?? 1);
