import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestDnsSync } from '../../../src/network/dns/sync-batch.js';

/** A lock as the network store's: one holder at a time, in order. */
function mutex() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(f: () => Promise<T>): Promise<T> => {
    const run = tail.then(f);
    tail = run.catch(() => undefined);
    return run;
  };
}

test('DNS sync requests made before a sync starts share it; later ones get the next; each sees the records written before it', async () => {
  const dir = `/tmp/batch-${Math.random()}`;
  const lock = mutex();
  const records: string[] = [];
  const syncs: string[][] = [];
  const sync = async () => { syncs.push([...records]); return async () => {}; };
  // A change holds the lock: the requests queue behind it.
  let release!: () => void;
  const held = lock(() => new Promise<void>((r) => { release = r; }));
  await new Promise((r) => setImmediate(r));  // the holder has the lock
  records.push('a');
  const a = requestDnsSync(dir, lock, sync);
  records.push('b');
  const b = requestDnsSync(dir, lock, sync);
  assert.equal(a, b, 'one sync for both');
  release();
  await held;
  await a;
  assert.deepEqual(syncs, [['a', 'b']]);
  records.push('c');
  const c = requestDnsSync(dir, lock, sync);
  assert.notEqual(c, a, 'a request after the sync started gets another');
  await c;
  assert.deepEqual(syncs, [['a', 'b'], ['a', 'b', 'c']]);
  // Another store directory never shares.
  const other = requestDnsSync(`${dir}-other`, lock, sync);
  const mine = requestDnsSync(dir, lock, sync);
  assert.notEqual(other, mine);
  await Promise.all([other, mine]);
});

test('a failed sync fails every request it covered, and the next request tries again', async () => {
  const dir = `/tmp/batch-${Math.random()}`;
  const lock = mutex();
  let fail = true;
  let calls = 0;
  const sync = async () => { calls++; if (fail) throw new Error('responder failed'); return async () => {}; };
  let release!: () => void;
  const held = lock(() => new Promise<void>((r) => { release = r; }));
  await new Promise((r) => setImmediate(r));  // the holder has the lock
  const a = requestDnsSync(dir, lock, sync);
  const b = requestDnsSync(dir, lock, sync);
  release();
  await held;
  await assert.rejects(a, /responder failed/);
  await assert.rejects(b, /responder failed/);
  assert.equal(calls, 1);
  fail = false;
  await requestDnsSync(dir, lock, sync);
  assert.equal(calls, 2);
});
