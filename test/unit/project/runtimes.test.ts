// Runtime names → executables: the default (and $BERTH_RUNTIME), host
// runtimes found on PATH or the system directories, and docker's error for a
// name berth does not know.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runtimeExecutable, serviceRuntimeError } from '../../../src/project/runtimes.js';
import type { Project } from '../../../src/compose/model.js';
import { readConfig } from '../../../src/config.js';

const defaults = readConfig({});

test('the default runtime is berth-runtime, or what BERTH_RUNTIME names', () => {
  assert.match(runtimeExecutable(undefined, defaults, { PATH: '' }), /native\/out\/berth-runtime$/);
  assert.equal(runtimeExecutable('berth-runtime', readConfig({ BERTH_RUNTIME: '/opt/rt' })), '/opt/rt');
  assert.equal(runtimeExecutable('', readConfig({ BERTH_RUNTIME: '/opt/rt' })), '/opt/rt');
});

test('runc and crun are found on PATH first', () => {
  const dir = join(tmpdir(), `berth-rt-path-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    for (const name of ['runc', 'crun']) {
      writeFileSync(join(dir, name), '#!/bin/sh\n');
      chmodSync(join(dir, name), 0o755);
      assert.equal(runtimeExecutable(name, defaults, { PATH: dir }), join(dir, name));
    }
    // a file without the x bit is passed over (for the system's runc, or none)
    chmodSync(join(dir, 'runc'), 0o644);
    let found: string | undefined;
    try { found = runtimeExecutable('runc', defaults, { PATH: dir }); } catch (e) { assert.match((e as Error).message, /^runtime runc is not installed/); }
    assert.notEqual(found, join(dir, 'runc'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown name is docker\'s error, naming the service', () => {
  assert.throws(() => runtimeExecutable('kata', defaults), { message: 'unknown or invalid runtime name: kata (known: berth-runtime, runc, crun)' });
  const project = { name: 'p', services: { web: { runtime: 'nvidia' }, ok: {} } } as unknown as Project;
  assert.equal(serviceRuntimeError(project, 'web', { runtime: '/opt/rt' }), 'service "web": unknown or invalid runtime name: nvidia (known: berth-runtime, runc, crun)');
  assert.equal(serviceRuntimeError(project, 'ok', { runtime: '/opt/rt' }), undefined);
});
