import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../../helpers/env.js';
import { withLock } from '../../../src/network/lock.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('callers in one process are serialized', async () => {
  const t = tempDir();
  try {
    const lock = join(t.path, '.lock');
    let inside = 0, most = 0;
    const job = () => withLock(lock, async () => { inside++; most = Math.max(most, inside); await sleep(5); inside--; });
    await Promise.all([job(), job(), job(), job()]);
    assert.equal(most, 1);
    assert.ok(!existsSync(lock));
    // A failure releases the lock too.
    await assert.rejects(withLock(lock, () => { throw new Error('boom'); }), /boom/);
    assert.ok(!existsSync(lock));
  } finally {
    t.cleanup();
  }
});

test('a lock left by a dead process is taken over; a live owner is waited for', async () => {
  const t = tempDir();
  try {
    const lock = join(t.path, '.lock');
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.on('exit', r));
    writeFileSync(lock, String(dead.pid));
    assert.equal(await withLock(lock, () => 'got it', 2000), 'got it');
    const lib = fileURLToPath(new URL('../../../src/network/lock.js', import.meta.url));
    const holder = spawn(process.execPath, ['--input-type=module', '-e',
      `const { withLock } = await import(${JSON.stringify(lib)}); await withLock(${JSON.stringify(lock)}, async () => { console.log('held'); await new Promise((r) => setTimeout(r, 300)); });`],
    { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((r) => holder.stdout!.once('data', () => r()));
    const t0 = Date.now();
    await withLock(lock, () => undefined, 5000);
    assert.ok(Date.now() - t0 >= 100, 'waited for the other process');
    // A lock whose owner is alive (our parent) is never stolen.
    writeFileSync(lock, String(process.ppid));
    await assert.rejects(withLock(lock, () => undefined, 100), /timed out waiting for the lock/);
  } finally {
    t.cleanup();
  }
});
