// The etcd client against a real etcd on loopback: kv, compare-and-swap,
// leases that expire, watches, and clear errors when etcd is unreachable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir } from '../../helpers/env.js';
import { startEtcd } from '../../helpers/etcd.js';
import { createServer } from 'node:net';
import { Etcd, type WatchEvent, parseStoreUrl } from '../../../src/etcd/client.js';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => ok(p)); });
  });
}

async function until(what: string, fn: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('etcd client: kv, txn, leases, watch, unreachable', { timeout: 60_000 }, async () => {
  const tmp = tempDir();
  const etcd = await startEtcd(tmp.path);
  try {
    const c = etcd.client;
    await c.put('/t/a', 'one');
    assert.equal((await c.get('/t/a'))?.value, 'one');
    assert.equal(await c.get('/t/none'), undefined);
    assert.equal(await c.createIfAbsent('/t/a', 'two'), false, 'an existing key is not overwritten');
    assert.equal(await c.createIfAbsent('/t/b', 'two'), true);
    assert.deepEqual((await c.list('/t/')).kvs.map((k) => [k.key, k.value]), [['/t/a', 'one'], ['/t/b', 'two']]);
    assert.equal(await c.txn([{ key: '/t/a', target: 'VALUE', value: 'nope' }], [{ put: { key: '/t/a', value: 'x' } }]), false);
    assert.equal(await c.txn([{ key: '/t/a', target: 'VALUE', value: 'one' }], [{ put: { key: '/t/a', value: 'x' } }, { delete: { key: '/t/b' } }]), true);
    assert.deepEqual((await c.list('/t/')).kvs.map((k) => k.value), ['x']);

    // Concurrent claims of one key: exactly one wins.
    const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => c.createIfAbsent('/t/race', String(i))));
    assert.equal(wins.filter(Boolean).length, 1);

    // Watch from the current revision, then a key under a lease that is not kept alive disappears.
    const { revision } = await c.list('/w/');
    const seen: WatchEvent[] = [];
    const w = c.watch('/w/', revision + 1, (evs) => seen.push(...evs), () => undefined);
    const lease = await c.leaseGrant(2);
    await c.put('/w/leased', 'v', lease);
    await c.put('/w/plain', 'p');
    assert.equal(await c.leaseKeepAlive(lease), true);
    await until('the leased key to expire', async () => (await c.get('/w/leased')) === undefined);
    assert.equal(await c.leaseKeepAlive(lease), false, 'an expired lease cannot be renewed');
    await until('watch events', () => seen.some((e) => e.type === 'DELETE'));
    w.close();
    assert.deepEqual(seen.map((e) => `${e.type} ${e.kv.key}`), ['PUT /w/leased', 'PUT /w/plain', 'DELETE /w/leased']);
    await assert.rejects(c.put('/w/x', 'v', lease), /refused \/v3\/kv\/put: .*lease not found/);

    // Failover: the first endpoint is dead. The watch on it closes, the next watch runs on the live one.
    const dead = `127.0.0.1:${await freePort()}`;
    const two = new Etcd([`http://${dead}`, etcd.url], 1000);
    const closes: string[] = [];
    const got: WatchEvent[] = [];
    const rev = (await c.list('/f/')).revision;
    let handle: { close: () => void } | undefined;
    const watchOn = () => { handle = two.watch('/f/', rev + 1, (evs) => got.push(...evs), (err) => { closes.push(err?.message ?? 'end'); watchOn(); }); };
    watchOn();
    await until('the watch on the dead endpoint to close', () => closes.length > 0);
    await c.put('/f/k', 'v');
    await until('the event through the live endpoint', () => got.length > 0);
    assert.deepEqual(got.map((e) => `${e.type} ${e.kv.key}`), ['PUT /f/k']);
    assert.equal(closes.length, 1, 'one close: the second watch stays on the live endpoint');
    handle?.close();
  } finally {
    await etcd.stop();
    tmp.cleanup();
  }
  // Nothing listens there any more: one clear error naming the endpoint.
  await assert.rejects(new Etcd([etcd.url], 500).get('/x'), new RegExp(`etcd unreachable \\(${etcd.url.replace("http://", "")}: `));
  assert.deepEqual(parseStoreUrl('etcd://10.0.0.1:2379,h2:2379'), ['http://10.0.0.1:2379', 'http://h2:2379']);
  assert.throws(() => parseStoreUrl('etcd://nope'), /invalid store endpoint 'nope'/);
});
