import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostAccepts, hostChains, hostDeletes, hostTag } from '../../../src/network/firewall/host-chains.js';
import type { NetworkRecord } from '../../../src/network/types.js';

const net = (v6: boolean): NetworkRecord => ({
  id: 'b'.repeat(64), name: 'n', driver: 'bridge', bridge: 'br-bbbb', mtu: 1500, internal: false, attachable: false, enableIpv6: v6,
  labels: {}, options: {}, created: '',
  subnets: [{ family: 4, subnet: '10.9.0.0/24', gateway: '10.9.0.1' }, ...(v6 ? [{ family: 6 as const, subnet: 'fd00:9::/64', gateway: 'fd00:9::1' }] : [])],
});

const chains = { nftables: [
  { chain: { family: 'ip', table: 'filter', name: 'FORWARD', hook: 'forward' } },
  { chain: { family: 'ip', table: 'filter', name: 'INPUT', hook: 'input' } },
  { chain: { family: 'ip', table: 'filter', name: 'DOCKER-USER' } },
  { chain: { family: 'ip6', table: 'filter', name: 'FORWARD', hook: 'forward' } },
  { chain: { family: 'inet', table: 'filter', name: 'FORWARD', hook: 'forward' } },
  { chain: { family: 'ip', table: 'nat', name: 'PREROUTING', hook: 'prerouting' } },
] };

test('only the iptables-nft filter base chains FORWARD and INPUT count', () => {
  assert.deepEqual([...hostChains(chains)].sort(), ['ip FORWARD', 'ip INPUT', 'ip6 FORWARD']);
  assert.equal(hostChains({ nftables: [] }).size, 0);
});

test('accepts: inserted at the top, tagged, iptables-readable, in the chains that exist only', () => {
  const none = hostAccepts('t', net(true), new Set());
  assert.equal(none.length, 0, 'no iptables table: nothing is created');
  const cmds = hostAccepts('t', net(false), hostChains(chains)) as Array<Record<string, any>>;
  assert.ok(cmds.every((c) => c.insert && c.insert.rule.table === 'filter' && c.insert.rule.comment === hostTag('t', 'b'.repeat(64))));
  assert.ok(cmds.every((c) => c.insert.rule.family === 'ip'), 'no IPv6 rules for an IPv4 network');
  const fwd = cmds.filter((c) => c.insert.rule.chain === 'FORWARD').map((c) => JSON.stringify(c.insert.rule.expr));
  assert.equal(fwd.length, 2);
  assert.ok(fwd.some((e) => e.includes('"oifname"}},"right":"br-bbbb"')) && fwd.some((e) => e.includes('"iifname"}},"right":"br-bbbb"')));
  const input = cmds.filter((c) => c.insert.rule.chain === 'INPUT').map((c) => JSON.stringify(c.insert.rule.expr));
  assert.deepEqual(input.map((e) => /"protocol":"(tcp|udp)","field":"dport"\}\},"right":53/.exec(e)?.[1]).sort(), ['tcp', 'udp']);
  const v6 = hostAccepts('t', net(true), hostChains(chains)) as Array<Record<string, any>>;
  assert.equal(v6.filter((c) => c.insert.rule.family === 'ip6').length, 2, 'ip6 FORWARD exists, ip6 INPUT does not');
});

test('deletes: exactly the rules tagged for this table and network, by handle', () => {
  const listing = { nftables: [
    { rule: { family: 'ip', table: 'filter', chain: 'FORWARD', handle: 9, comment: hostTag('t', 'b'.repeat(64)) } },
    { rule: { family: 'ip6', table: 'filter', chain: 'FORWARD', handle: 3, comment: hostTag('t', 'b'.repeat(64)) } },
    { rule: { family: 'ip', table: 'filter', chain: 'FORWARD', handle: 10, comment: hostTag('other', 'b'.repeat(64)) } },
    { rule: { family: 'ip', table: 'filter', chain: 'FORWARD', handle: 11, comment: hostTag('t', 'c'.repeat(64)) } },
    { rule: { family: 'ip', table: 'filter', chain: 'FORWARD', handle: 12 } },
    { rule: { family: 'inet', table: 'filter', chain: 'FORWARD', handle: 13, comment: hostTag('t', 'b'.repeat(64)) } },
  ] };
  assert.deepEqual(hostDeletes(listing, 't', new Set(['b'.repeat(64)])), [
    { delete: { rule: { family: 'ip', table: 'filter', chain: 'FORWARD', handle: 9 } } },
    { delete: { rule: { family: 'ip6', table: 'filter', chain: 'FORWARD', handle: 3 } } },
  ]);
});
