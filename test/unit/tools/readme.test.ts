// The README's door: the set-up and test commands it shows exist and are the
// two-command pairs the issue asks for; `.ci/run` runs the same steps.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../helpers/env.js';
import { readmeBlock, readmeQuickstartArgs } from '../../helpers/readme.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string>; engines: { node: string } };

test('quick start: two commands, npm run setup (a script needing no node_modules) then the quickstart', () => {
  const block = readmeBlock('Quick start');
  assert.deepEqual(block, ['npm run setup', 'bin/berth -f examples/quickstart/compose.yaml up']);
  assert.equal(pkg.scripts.setup, 'bash scripts/setup.sh');
  const setup = readFileSync(join(repoRoot, 'scripts/setup.sh'), 'utf8');
  // Host packages (compilers) before npm ci: the order of the phases.
  const order = ['phase "host packages', 'phase "npm dependencies', 'phase "native addon', 'phase "TypeScript', 'phase "example base image'].map((p) => setup.indexOf(p));
  assert.ok(order.every((i) => i > 0), 'every phase is there');
  assert.deepEqual([...order].sort((a, b) => a - b), order, 'phases in order');
  assert.deepEqual(readmeQuickstartArgs(), ['-f', 'examples/quickstart/compose.yaml', 'up']);
  assert.ok(existsSync(join(repoRoot, 'examples/quickstart/compose.yaml')));
});

test('tests: the same set-up, then npm test; .ci/run installs host packages, npm ci, npm test', () => {
  assert.deepEqual(readmeBlock('Tests'), ['npm run setup', 'npm test']);
  assert.equal(pkg.scripts.test, 'node scripts/test.mjs');
  const ci = readFileSync(join(repoRoot, '.ci/run'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('set ') && !l.startsWith('cd '));
  assert.deepEqual(ci, ['bash scripts/install-host-packages.sh', 'npm ci', 'npm test']);
});

test('the Node prerequisite is stated with how to get it, and matches package.json engines', () => {
  const text = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const min = /^>=(\d+)$/.exec(pkg.engines.node)![1]!;
  assert.match(text, new RegExp(`Node\\.js ${min} or newer`));
  assert.match(text, /NodeSource|nvm/);
  assert.match(readFileSync(join(repoRoot, 'scripts/setup.sh'), 'utf8'), new RegExp(`-lt ${min} \\]`));
});

test('the README names every command it documents for clean-up, and they are registered', async () => {
  const { commandTable } = await import('../../../src/cli/commands/index.js');
  assert.ok(commandTable.system, 'system');
  const text = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  for (const c of ['system prune', 'system reset -f', 'down -v']) assert.ok(text.includes(c), c);
});
