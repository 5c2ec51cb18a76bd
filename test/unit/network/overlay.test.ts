// Pure pieces of the overlay driver and the etcd client: VNI choice, device
// names, key ranges and store URLs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VNI_FIRST, chooseVni, requestedVni, vxlanName } from '../../../src/network/drivers/overlay.js';
import { parseStoreUrl, prefixEnd } from '../../../src/etcd/client.js';
import { driverFor } from '../../../src/network/drivers/registry.js';

test('VNIs: lowest free from 4096, a requested one when free, a clash names its holder', () => {
  assert.equal(chooseVni('a', undefined, new Map()), VNI_FIRST);
  assert.equal(chooseVni('a', undefined, new Map([[4096, 'x'], [4097, 'y']])), 4098);
  assert.equal(chooseVni('a', 77, new Map([[4096, 'x']])), 77);
  assert.throws(() => chooseVni('a', 4096, new Map([[4096, 'x']])), /^BerthError: network a: VNI 4096 is already used by network x$/);
  assert.equal(requestedVni({ name: 'n', driver_opts: { 'com.docker.network.driver.overlay.vxlanid_list': '5001' } }), 5001);
  assert.throws(() => requestedVni({ name: 'n', driver_opts: { vni: '0' } }), /invalid VNI '0'/);
  assert.throws(() => requestedVni({ name: 'n', driver_opts: { vni: '16777216' } }), /invalid VNI/);
});

test('overlay driver: MTU 1450 by default, bo- bridge, 15-char vxlan name, unknown options refused', () => {
  const d = driverFor('overlay');
  const id = 'ab'.repeat(32);
  assert.deepEqual(d.describe({ name: 'n', driver: 'overlay' }, id), { bridge: `bo-${id.slice(0, 12)}`, mtu: 1450, options: {} });
  assert.equal(d.describe({ name: 'n', driver_opts: { mtu: '1400' } }, id).mtu, 1400);
  assert.match(vxlanName(id), /^vx-[0-9a-f]{12}$/);
  assert.doesNotThrow(() => d.validate({ name: 'n', driver_opts: { vni: '42' } }));
  assert.throws(() => d.validate({ name: 'n', driver_opts: { frob: '1' } }), /unknown overlay driver option 'frob'/);
  assert.throws(() => driverFor('bridge').validate({ name: 'n', driver_opts: { vni: '42' } }), /unknown bridge driver option 'vni'/);
});

test('etcd: prefix range ends and store URLs', () => {
  assert.equal(Buffer.from(prefixEnd('/berth/a/'), 'base64').toString(), '/berth/a0');
  assert.deepEqual([...Buffer.from(prefixEnd('a\xff'), 'base64')], [0x61, 0xc3, 0xc0]);
  assert.deepEqual(parseStoreUrl('etcd://10.0.0.1:2379,[fd00::1]:2379'), ['http://10.0.0.1:2379', 'http://[fd00::1]:2379']);
  assert.throws(() => parseStoreUrl('etcd://'), /invalid store 'etcd:\/\/'/);
  assert.throws(() => parseStoreUrl('etcd://h:99999'), /invalid store endpoint 'h:99999'/);
});
