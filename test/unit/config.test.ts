import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readConfig } from '../../src/config.js';

test('configuration: defaults, typed values, and one error naming a bad variable', () => {
  const d = readConfig({});
  assert.equal(d.nftTable, 'berth');
  assert.equal(d.nodeTtl, 10);
  assert.equal(d.lockTimeoutMs, 120_000);
  assert.equal(d.clusterPrefix, '/berth');
  assert.deepEqual(d.insecureRegistries, []);
  assert.equal(d.dnsUpstreams, undefined);
  const c = readConfig({
    BERTH_NFT_TABLE: 'berth_t1', BERTH_NODE_TTL: '30', BERTH_LOCK_TIMEOUT: '2', BERTH_INSECURE_REGISTRIES: 'a:5000, b ',
    BERTH_DNS_UPSTREAMS: '127.0.0.1:53,', BERTH_DEFAULT_POOLS: '', BERTH_TEST_CRASH_AFTER: '2',
  });
  assert.equal(c.nftTable, 'berth_t1');
  assert.equal(c.nodeTtl, 30);
  assert.equal(c.lockTimeoutMs, 2000);
  assert.deepEqual(c.insecureRegistries, ['a:5000', 'b']);
  assert.deepEqual(c.dnsUpstreams, ['127.0.0.1:53']);
  assert.equal(c.defaultPools, undefined, 'empty is unset');
  assert.equal(c.crashAfter, 2);
  assert.throws(() => readConfig({ BERTH_NFT_TABLE: 'x; flush ruleset' }), /invalid BERTH_NFT_TABLE/);
  assert.throws(() => readConfig({ BERTH_NODE_TTL: '1' }), /invalid BERTH_NODE_TTL '1'/);
});
