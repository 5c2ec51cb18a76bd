import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attachesNetworks, parseNetworkMode } from '../../../src/network/mode.js';
import { hostVethName } from '../../../src/network/endpoints.js';

test('network_mode forms', () => {
  assert.deepEqual(parseNetworkMode(undefined), { kind: 'bridge' });
  assert.deepEqual(parseNetworkMode('host'), { kind: 'host' });
  assert.deepEqual(parseNetworkMode('none'), { kind: 'none' });
  assert.deepEqual(parseNetworkMode('service:db'), { kind: 'service', name: 'db' });
  assert.deepEqual(parseNetworkMode('container:abc_1'), { kind: 'container', name: 'abc_1' });
  assert.throws(() => parseNetworkMode('service:'), /invalid network_mode/);
  assert.throws(() => parseNetworkMode('overlay'), /invalid network_mode 'overlay'/);
  assert.equal(attachesNetworks({ kind: 'host' }), false);
});

test('host veth names are short, stable and distinct per network', () => {
  const a = hostVethName('c1', 'n1'), b = hostVethName('c1', 'n2');
  assert.equal(a.length, 14);
  assert.equal(a, hostVethName('c1', 'n1'));
  assert.notEqual(a, b);
});
