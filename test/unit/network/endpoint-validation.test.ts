// connectEndpoint refuses bad input before touching the kernel or the
// records (runs without root: the network record exists only on disk).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../helpers/env.js';
import { statePaths } from '../../../src/state/paths.js';
import { NetworkStore } from '../../../src/network/store.js';
import { connectEndpoint } from '../../../src/network/endpoints.js';
import type { AttachRequest } from '../../../src/network/types.js';
import { readConfig } from '../../../src/config.js';

test('bad endpoint requests are one clear error and change nothing', async () => {
  const t = tempDir();
  try {
    const paths = statePaths(t.path, {});
    const store = new NetworkStore(paths);
    store.saveNetwork({
      id: 'f'.repeat(64), name: 'front', driver: 'bridge', bridge: 'br-ffff', mtu: 1500, internal: false, attachable: false,
      enableIpv6: false, labels: {}, options: {}, created: '', subnets: [{ family: 4, subnet: '10.9.0.0/24', gateway: '10.9.0.1' }],
    });
    const netns = join(t.path, 'ns');
    writeFileSync(netns, '');
    const connect = (networks: AttachRequest[], extra: object = {}) => connectEndpoint(paths, readConfig({}), { containerId: 'c1', netnsPath: netns, networks, ...extra });
    await assert.rejects(connect([{ name: 'nope' }]), /^BerthError: network nope not found$/m);
    await assert.rejects(connect([{ name: 'front', link_local_ips: ['10.0.0.1'] }]), /link_local_ips entry '10.0.0.1' is not a link-local address/);
    await assert.rejects(connect([{ name: 'front', mac_address: 'zz:00' }]), /invalid mac_address 'zz:00'/);
    await assert.rejects(connect([{ name: 'front', interface_name: 'a/b' }]), /invalid interface_name 'a\/b'/);
    await assert.rejects(connect([{ name: 'front', ipv4_address: '10.9.1.5' }]), /address 10.9.1.5 is not in subnet 10.9.0.0\/24/);
    await assert.rejects(connect([{ name: 'front', ipv6_address: 'fd00::5' }]), /has no IPv6 subnet/);
    await assert.rejects(connect([{ name: 'front' }, { name: 'front' }]), /already attached to network front/);
    await assert.rejects(connect([{ name: 'front' }], { ports: [{ target: 80, protocol: 'sctp' }] }), /unsupported protocol 'sctp'/);
    await assert.rejects(connect([{ name: 'front' }], { expose: ['80/icmp'] }), /expose: invalid port/);
    await assert.rejects(connectEndpoint(paths, readConfig({}), { containerId: '../x', netnsPath: netns, networks: [] }), /invalid container id/);
    await assert.rejects(connectEndpoint(paths, readConfig({}), { containerId: 'c1', netnsPath: join(t.path, 'missing'), networks: [{ name: 'front' }] }), /does not exist/);
    assert.deepEqual(store.leases('f'.repeat(64)), {});
    assert.equal(store.endpoint('c1'), undefined);
    assert.deepEqual(readdirSync(paths.networks).filter((f) => f !== '.lock').sort(), ['f'.repeat(64) + '.json']);
  } finally {
    t.cleanup();
  }
});
