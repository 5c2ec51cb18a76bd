import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { berthBin, repoRoot } from '../helpers/env.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

function berth(...args: string[]) {
  return spawnSync(process.execPath, [berthBin, ...args], { encoding: 'utf8' });
}

test('--version prints the package version', () => {
  const r = berth('--version');
  assert.equal(r.status, 0);
  assert.equal(r.stdout, `berth version ${pkg.version}\n`);
});

test('--help lists the global options', () => {
  const r = berth('--help');
  assert.equal(r.status, 0);
  for (const flag of ['--file', '--project-name', '--project-directory', '--env-file', '--profile', '--progress', '--root', '--dry-run']) {
    assert.match(r.stdout, new RegExp(flag));
  }
});

test('an unknown command is a usage error', () => {
  const r = berth('no-such-command');
  assert.equal(r.status, 15);
  assert.match(r.stderr, /unknown command/);
});

test('version --format json', () => {
  const r = berth('version', '--format', 'json');
  assert.equal(r.status, 0);
  assert.deepEqual(JSON.parse(r.stdout), { version: pkg.version });
});

test('global options come before the command; a command keeps its own -f', () => {
  const r = berth('version', '-f', 'x.yaml');
  assert.equal(r.status, 15);
  assert.match(r.stderr, /unknown option '-f'/);
});
