import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeFileAtomic, writeJsonAtomic } from '../../../src/state/atomic.js';
import { statePaths } from '../../../src/state/paths.js';
import { tempDir } from '../../helpers/env.js';

test('writeJsonAtomic replaces the record and leaves no temporary file', () => {
  const d = tempDir();
  try {
    const p = join(d.path, 'sub', 'rec.json');
    writeJsonAtomic(p, { a: 1 });
    writeJsonAtomic(p, { a: 2 });
    assert.deepEqual(readJson(p), { a: 2 });
    assert.deepEqual(readdirSync(join(d.path, 'sub')), ['rec.json']);
    assert.equal(readJson(join(d.path, 'missing.json')), undefined);
  } finally {
    d.cleanup();
  }
});

test('writeFileAtomic: mode for a new file, and a non-durable write is still atomic', () => {
  const d = tempDir();
  try {
    const secret = join(d.path, 'config.json');
    writeFileAtomic(secret, '{}\n', 0o600);
    assert.equal(statSync(secret).mode & 0o777, 0o600);
    const runtime = join(d.path, 'run', 'dns.json');
    writeJsonAtomic(runtime, { gen: 1 }, { durable: false });
    writeJsonAtomic(runtime, { gen: 2 }, { durable: false, mode: 0o640 });
    assert.deepEqual(readJson(runtime), { gen: 2 });
    assert.deepEqual(readdirSync(join(d.path, 'run')), ['dns.json']);
  } finally {
    d.cleanup();
  }
});

test('statePaths: the runtime dir follows an explicit root', () => {
  const p = statePaths('/tmp/x', {});
  assert.equal(p.runtime, '/tmp/x/run');
  assert.equal(p.images, '/tmp/x/images');
  const d = statePaths(undefined, {});
  assert.equal(d.root, '/var/lib/berth');
  assert.equal(d.runtime, '/run/berth');
});
