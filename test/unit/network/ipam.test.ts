import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { formatCidr, formatIp, ipFamily, overlaps, parseCidr, parseIp } from '../../../src/network/ipam/cidr.js';
import { chooseSubnets, lease, parsePools, releaseOwner } from '../../../src/network/ipam/ipam.js';
import type { SubnetRecord } from '../../../src/network/types.js';

const pools = { v4: parsePools('10.213.0.0/16:24'), v6: parsePools('fd00:213::/48:64') };

test('cidr: parse, mask and format v4 and v6', () => {
  assert.equal(formatCidr(parseCidr('10.1.2.3/16')), '10.1.0.0/16');
  assert.equal(formatCidr(parseCidr('fd00:0:0:1::5/64')), 'fd00:0:0:1::/64');
  assert.equal(formatIp(6, parseIp('2001:db8::1')!.value), '2001:db8::1');
  assert.equal(formatIp(6, parseIp('::')!.value), '::');
  assert.throws(() => parseCidr('10.0.0.0/33'), /invalid subnet/);
  assert.throws(() => parseCidr('10.0.0.256/24'), /invalid subnet/);
  assert.equal(overlaps(parseCidr('10.0.0.0/8'), parseCidr('10.2.0.0/16')), true);
  assert.equal(overlaps(parseCidr('10.1.0.0/16'), parseCidr('10.2.0.0/16')), false);
});

test('address syntax: what parses and what is refused (as node:net would)', () => {
  for (const ok of ['0.0.0.0', '10.1.2.3', '255.255.255.255', '::', '::1', '1::', 'fe80::1:2', '2001:DB8:0:0:0:0:0:1', '1:2:3:4:5:6:7::']) {
    assert.ok(parseIp(ok), ok);
  }
  for (const bad of ['', '256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1.2.3.4 ', ':::', '1::2::3', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7', '12345::', 'g::1', '::ffff:1.2.3.4', 'fe80::1%eth0', '1:2:3:4:5:6:7:8::']) {
    assert.equal(parseIp(bad), undefined, bad);
  }
  assert.equal(parseIp('1:2:3:4:5:6:7::')!.value, 0x00010002000300040005000600070000n);
  assert.equal(formatIp(4, parseIp('10.1.2.3')!.value), '10.1.2.3');
});

test('automatic subnets skip host routes and other berth networks', () => {
  const s = chooseSubnets({ name: 'n' }, ['10.213.0.0/24'], ['10.213.1.0/24', '10.213.2.128/25'], pools);
  assert.deepEqual(s, [{ family: 4, subnet: '10.213.3.0/24', gateway: '10.213.3.1' }]);
});

test('automatic IPv6 subnet only with enable_ipv6', () => {
  const s = chooseSubnets({ name: 'n', enable_ipv6: true }, [], [], pools);
  assert.equal(s.length, 2);
  assert.equal(s[1]!.subnet, 'fd00:213::/64');
  assert.equal(s[1]!.gateway, 'fd00:213::1');
});

test('explicit subnet, gateway, ip_range and aux addresses are checked', () => {
  const [s] = chooseSubnets({ name: 'n', ipam: { config: [{ subnet: '10.9.0.0/24', gateway: '10.9.0.254', ip_range: '10.9.0.128/25', aux_addresses: { h: '10.9.0.129' } }] } }, [], [], pools);
  assert.deepEqual(s, { family: 4, subnet: '10.9.0.0/24', gateway: '10.9.0.254', ipRange: '10.9.0.128/25', auxAddresses: { h: '10.9.0.129' } });
  assert.throws(() => chooseSubnets({ name: 'n', ipam: { config: [{ subnet: '10.9.0.0/24', gateway: '10.8.0.1' }] } }, [], [], pools), /gateway 10.8.0.1 is outside/);
  assert.throws(() => chooseSubnets({ name: 'n', ipam: { config: [{ subnet: '10.9.0.0/24', ip_range: '10.9.1.0/25' }] } }, [], [], pools), /ip_range/);
  assert.throws(() => chooseSubnets({ name: 'n', ipam: { config: [{ subnet: '10.9.0.0/24' }] } }, ['10.9.0.0/16'], [], pools), /overlaps 10.9.0.0\/16/);
  assert.throws(() => chooseSubnets({ name: 'n', ipam: { config: [{ subnet: 'fd01::/64' }] } }, [], [], pools), /enable_ipv6/);
  assert.throws(() => chooseSubnets({ name: 'n', ipam: { config: [{ subnet: 'nonsense' }] } }, [], [], pools), /network n: invalid subnet 'nonsense'/);
});

test('no free subnet left is a clear error', () => {
  assert.throws(() => chooseSubnets({ name: 'n' }, [], ['10.213.0.0/16'], pools), /no free IPv4 subnet/);
});

test('leases: lowest free, static, reserved, in use, exhausted, release', () => {
  const s: SubnetRecord = { family: 4, subnet: '10.9.0.0/29', gateway: '10.9.0.1' };
  const l: Record<string, string> = {};
  assert.equal(lease(s, l, 'a', undefined, 'n'), '10.9.0.2');
  assert.equal(lease(s, l, 'b', '10.9.0.5', 'n'), '10.9.0.5');
  assert.equal(lease(s, l, 'c', undefined, 'n'), '10.9.0.3');
  assert.throws(() => lease(s, l, 'd', '10.9.0.5', 'n'), /already in use/);
  assert.throws(() => lease(s, l, 'd', '10.9.0.1', 'n'), /reserved/);
  assert.throws(() => lease(s, l, 'd', '10.9.0.7', 'n'), /reserved/);  // broadcast
  assert.throws(() => lease(s, l, 'd', '10.9.1.2', 'n'), /not in subnet/);
  lease(s, l, 'd', undefined, 'n');
  lease(s, l, 'e', undefined, 'n');
  assert.throws(() => lease(s, l, 'f', undefined, 'n'), /no free address/);
  assert.deepEqual(releaseOwner(l, 'b'), ['10.9.0.5']);
  assert.equal(lease(s, l, 'f', undefined, 'n'), '10.9.0.5');
});

test('leases come from ip_range when set', () => {
  const s: SubnetRecord = { family: 4, subnet: '10.9.0.0/24', gateway: '10.9.0.1', ipRange: '10.9.0.64/26' };
  assert.equal(lease(s, {}, 'a', undefined, 'n'), '10.9.0.64');
});

test('pool syntax errors', () => {
  assert.throws(() => parsePools('10.0.0.0/8'), /invalid address pool/);
  assert.throws(() => parsePools('10.0.0.0/16:8'), /invalid address pool/);
});

test('a preferred (previously held) address is reused when free', () => {
  const s: SubnetRecord = { family: 4, subnet: '10.9.0.0/24', gateway: '10.9.0.1' };
  assert.equal(lease(s, {}, 'a', undefined, 'n', ['10.9.0.7']), '10.9.0.7');
  assert.equal(lease(s, { '10.9.0.7': 'b' }, 'a', undefined, 'n', ['10.9.0.7']), '10.9.0.2');
  assert.equal(lease(s, {}, 'a', undefined, 'n', ['10.8.0.7', '10.9.0.255']), '10.9.0.2');
});

test('host prefixes: automatic subnets skip them, an explicit subnet that overlaps one is refused naming it', () => {
  const host = [{ cidr: '172.17.0.0/16', where: 'route 172.17.0.0/16 dev docker0' }, { cidr: '172.18.5.1/32', where: 'address 172.18.5.1/32 dev wg0' }];
  const [auto] = chooseSubnets({ name: 'n' }, [], host, parsePoolsForHost());
  assert.equal(auto!.subnet, '172.19.0.0/16', 'docker0 and the /16 holding a host address are skipped');
  assert.throws(() => chooseSubnets({ name: 'web', ipam: { config: [{ subnet: '172.17.3.0/24' }] } }, [], host, parsePoolsForHost()),
    /^BerthError: network web: subnet 172\.17\.3\.0\/24 overlaps route 172\.17\.0\.0\/16 dev docker0 on the host$/);
  assert.throws(() => chooseSubnets({ name: 'web', ipam: { config: [{ subnet: '172.18.0.0/16' }] } }, [], host, parsePoolsForHost()),
    /network web: subnet 172\.18\.0\.0\/16 overlaps address 172\.18\.5\.1\/32 dev wg0 on the host/);
  assert.throws(() => chooseSubnets({ name: 'web', ipam: { config: [{ subnet: '10.1.0.0/24' }] } }, [], ['10.0.0.0/8'], parsePoolsForHost()),
    /overlaps route 10\.0\.0\.0\/8 on the host/);
  assert.equal(chooseSubnets({ name: 'web', ipam: { config: [{ subnet: '172.20.0.0/24' }] } }, [], host, parsePoolsForHost())[0]!.subnet, '172.20.0.0/24');
});

function parsePoolsForHost() {
  return { v4: parsePools('172.17.0.0/16:16,172.18.0.0/15:16'), v6: parsePools('fd00::/48:64') };
}

test('ipFamily answers as node:net isIP, for the forms parseIp reads and the others', () => {
  for (const s of ['10.0.0.1', '255.255.255.255', '::', '::1', 'fd00::1', '2001:db8:0:0:0:0:0:1', 'fe80::1%eth0', '::ffff:10.1.2.3',
    '10.0.0.01', '256.1.1.1', '1.2.3', 'fd00:::1', '1:2:3:4:5:6:7:8:9', '', 'localhost', ' 10.0.0.1', '10.0.0.1 ', '[::1]', 'FD00::AB']) {
    assert.equal(ipFamily(s), isIP(s), s);
  }
});
