import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../../helpers/env.js';
import { withFileLock } from '../../../src/state/file-lock.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lib = fileURLToPath(new URL('../../../src/state/file-lock.js', import.meta.url));

/** A child process that takes the lock, prints "held", and keeps it until killed or `ms` passes. */
function holder(lock: string, ms: number) {
  const child = spawn(process.execPath, ['--input-type=module', '-e',
    `const { withFileLock } = await import(${JSON.stringify(lib)});
     await withFileLock(${JSON.stringify(lock)}, async () => { console.log('held'); await new Promise((r) => setTimeout(r, ${ms})); });`],
  { stdio: ['ignore', 'pipe', 'inherit'] });
  const held = new Promise<void>((r) => child.stdout!.once('data', () => r()));
  return { child, held };
}

test('file lock: callers in one process run one at a time, in order, and a failure releases', async (t) => {
  const d = tempDir();
  t.after(() => d.cleanup());
  const lock = join(d.path, 'sub', '.lock');
  let inside = 0, most = 0;
  const order: number[] = [];
  const job = (n: number) => withFileLock(lock, async () => { inside++; most = Math.max(most, inside); order.push(n); await sleep(5); inside--; return n; });
  assert.deepEqual(await Promise.all([job(1), job(2), job(3), job(4)]), [1, 2, 3, 4]);
  assert.equal(most, 1);
  assert.deepEqual(order, [1, 2, 3, 4]);
  await assert.rejects(withFileLock(lock, () => { throw new Error('boom'); }), /boom/);
  assert.equal(await withFileLock(lock, () => 'again'), 'again');
});

test('file lock: another process is waited for; its SIGKILL frees the lock at once', async (t) => {
  const d = tempDir();
  t.after(() => d.cleanup());
  const lock = join(d.path, '.lock');

  const a = holder(lock, 300);
  await a.held;
  const t0 = Date.now();
  await withFileLock(lock, () => undefined, { timeoutMs: 5000 });
  assert.ok(Date.now() - t0 >= 100, 'waited for the other process');

  // A holder killed while it holds the lock leaves nothing stale behind.
  const b = holder(lock, 60_000);
  t.after(() => { b.child.kill('SIGKILL'); });
  await b.held;
  await assert.rejects(withFileLock(lock, () => undefined, { timeoutMs: 100, what: 'the test store' }),
    /timed out after 0\.1s waiting for the lock of the test store/);
  b.child.kill('SIGKILL');
  await new Promise((r) => b.child.once('exit', r));
  assert.equal(await withFileLock(lock, () => 'taken', { timeoutMs: 2000 }), 'taken');
});
