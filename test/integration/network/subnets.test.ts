// Subnets next to other tools, in a namespace standing in for the host: a
// docker0-like bridge (172.17.0.0/16) and a route in another routing table
// (a VPN's) are skipped by automatic subnets; an explicit subnet overlapping
// one is refused in one line naming the network, the subnet and the route,
// before anything is created.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRoot } from '../../helpers/env.js';
import { makeHostNs } from './host-ns.js';

test('subnets: automatic ones skip host routes in any table; an overlapping explicit one is one clear error, nothing created',
  { skip: !isRoot && 'needs root', timeout: 60_000 }, async () => {
    const h = await makeHostNs({ images: false });
    const created: string[] = [];
    try {
      for (const s of [['ip', 'link', 'add', 'docker0', 'type', 'bridge'], ['ip', 'addr', 'add', '172.17.0.1/16', 'dev', 'docker0'],
        ['ip', 'link', 'set', 'docker0', 'up'], ['ip', 'route', 'add', '172.18.0.0/16', 'dev', 'uplink', 'table', '51820']]) {
        const r = h.run(s);
        assert.ok(r.ok, `${s.join(' ')}: ${r.out}`);
      }
      const links = () => h.run(['ip', '-br', 'link']).out;
      const before = links();

      const bad = h.berth(['network', 'create', 'clash', '--subnet', '172.17.5.0/24']);
      assert.notEqual(bad.status, 0);
      assert.equal(bad.stderr.trim(), 'network clash: subnet 172.17.5.0/24 overlaps route 172.17.0.0/16 dev docker0 on the host');
      const vpn = h.berth(['network', 'create', 'clash', '--subnet', '172.18.0.0/24']);
      assert.match(vpn.stderr, /network clash: subnet 172\.18\.0\.0\/24 overlaps route 172\.18\.0\.0\/16 dev uplink \(table 51820\) on the host/);
      assert.equal(links(), before, 'no bridge created');
      assert.equal(h.ok(['network', 'ls', '-q']).trim(), '', 'no network recorded');

      h.ok(['network', 'create', 'auto']);
      created.push('auto');
      const ins = JSON.parse(h.ok(['network', 'inspect', 'auto'])) as Array<{ IPAM?: { Config?: Array<{ Subnet: string }> }; subnets?: Array<{ subnet: string }> }>;
      const text = JSON.stringify(ins);
      assert.match(text, /172\.19\.0\.0\/16/, `docker0's and the VPN's prefixes are skipped: ${text.slice(0, 300)}`);
    } finally {
      for (const n of created) h.berth(['network', 'rm', n]);
      h.cleanup();
    }
  });
