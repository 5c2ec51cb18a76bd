// Requests between nodes through a real etcd on loopback: the answer comes
// back in order in bounded records, with the exit code or the error line; an
// interrupted requester stops the serving side; a node without a lease is one
// error naming it; no request or response key is left afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shortId, tempDir } from '../../helpers/env.js';
import { startEtcd } from '../../helpers/etcd.js';
import { callNode, RequestServer, type Serve } from '../../../src/cluster/requests.js';
import type { Membership } from '../../../src/network/stores/membership.js';

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('requests to another node through etcd', { timeout: 60_000 }, async () => {
  const tmp = tempDir();
  const etcd = await startEtcd(tmp.path);
  const prefix = `/rq${shortId(4)}`;
  const node = (name: string): Membership => ({ store: [etcd.url], prefix, node: name, vtep: '127.0.0.1', lease: '0', labels: {}, joined: '' });
  let stopped = false;
  const serve: Serve = async (req, emit, signal) => {
    if (req.verb === 'count') {
      for (let i = 0; i < Number(req.args.n); i++) emit({ i, pad: 'x'.repeat(100) });
      return Number(req.args.exit);
    }
    if (req.verb === 'wait') {
      emit('waiting');
      await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
      stopped = true;
      return 0;
    }
    throw new Error(`cannot ${req.verb}\nsecond line`);
  };
  const server = new RequestServer(() => node('b'), serve, () => undefined);
  try {
    await etcd.client.put(`${prefix}/nodes/b`, '127.0.0.1');
    await server.start();
    const a = node('a');

    // 3000 items of ~120 bytes: several records of about 32 KiB, every item once and in order.
    const got: unknown[] = [];
    let records = 0;
    const exit = await callNode(a, 'b', 'count', { n: 3000, exit: 7 }, (items) => { records++; got.push(...items); });
    assert.equal(exit, 7);
    assert.deepEqual(got.map((x) => (x as { i: number }).i), [...Array(3000).keys()]);
    assert.ok(records >= 10 && records <= 20, `${records} records`);

    // An error on the serving side: its first line, as the requester's error.
    await assert.rejects(callNode(a, 'b', 'nope', {}, () => undefined), { message: 'cannot nope' });

    // Interrupted: the requester returns, the serving side is told to stop.
    const ac = new AbortController();
    const waiting = callNode(a, 'b', 'wait', {}, (items) => { if (items.includes('waiting')) ac.abort(); }, { signal: ac.signal });
    assert.equal(await waiting, 130);
    await until('the serving side stops', () => stopped);

    // A node without a lease in the cluster.
    await assert.rejects(callNode(a, 'c', 'count', { n: 1, exit: 0 }, () => undefined), { message: 'node c is not live (no agent of it holds a lease in the cluster)' });

    for (const p of ['requests', 'responses']) {
      await until(`nothing left under ${prefix}/${p}/`, async () => (await etcd.client.list(`${prefix}/${p}/`)).kvs.length === 0);
    }
  } finally {
    server.stop();
    await etcd.stop();
    tmp.cleanup();
  }
});
