import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeFileAtomic, writeFileAtomicAsync, writeJsonAtomic, writeJsonAtomicAsync } from '../../../src/state/atomic.js';
import { statePaths } from '../../../src/state/paths.js';
import { readConfig } from '../../../src/config.js';
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
  const p = statePaths('/tmp/x', readConfig({}));
  assert.equal(p.runtime, '/tmp/x/run');
  assert.equal(p.images, '/tmp/x/images');
  const d = statePaths(undefined, readConfig({}));
  assert.equal(d.root, '/var/lib/berth');
  assert.equal(d.runtime, '/run/berth');
});

test('the thread-pool writers: same result, mode, no temporary file; concurrent writers leave one whole record', async () => {
  const d = tempDir();
  try {
    const p = join(d.path, 'a', 'b', 'rec.json');
    await writeJsonAtomicAsync(p, { n: 1 });
    await writeFileAtomicAsync(join(d.path, 'a', 'secret'), 'x', { mode: 0o600 });
    assert.equal(statSync(join(d.path, 'a', 'secret')).mode & 0o777, 0o600);
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeJsonAtomicAsync(p, { n: i, pad: 'x'.repeat(i * 1000) })));
    const got = readJson<{ n: number; pad: string }>(p)!;
    assert.equal(got.pad.length, got.n * 1000);
    assert.deepEqual(readdirSync(join(d.path, 'a', 'b')), ['rec.json']);
    await assert.rejects(writeJsonAtomicAsync(join(d.path, 'a', 'secret', 'under-a-file.json'), {}), /ENOTDIR|EEXIST/);
  } finally {
    d.cleanup();
  }
});
