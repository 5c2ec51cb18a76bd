import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rules, deletesByTag, epTag, netTag, taggedRuleCount } from '../../../src/network/firewall/rules.js';
import type { NetworkRecord } from '../../../src/network/types.js';

const net = (internal: boolean): NetworkRecord => ({
  id: 'a'.repeat(64), name: 'n', driver: 'bridge', bridge: 'br-aaaa', mtu: 1500, internal, attachable: false, enableIpv6: false,
  labels: {}, options: {}, created: '', subnets: [{ family: 4, subnet: '10.9.0.0/24', gateway: '10.9.0.1' }],
});

const rulesOf = (cmds: Array<Record<string, any>>) => cmds.filter((c) => c.add?.rule || c.insert?.rule).map((c) => c.add?.rule ?? c.insert.rule);

test('every network rule is tagged with the network id', () => {
  const r = rulesOf(new Rules('t').network(net(false)));
  assert.ok(r.length >= 3);
  for (const x of r) assert.equal(x.comment, netTag('a'.repeat(64)));
  assert.ok(r.some((x) => x.chain === 'postrouting' && JSON.stringify(x.expr).includes('masquerade') && JSON.stringify(x.expr).includes('!=')));
});

test('internal networks get no outbound masquerade and drop rules both ways', () => {
  const r = rulesOf(new Rules('t').network(net(true)));
  assert.ok(!r.some((x) => x.chain === 'postrouting' && JSON.stringify(x.expr).includes('"op":"!="')));
  assert.equal(r.filter((x) => x.chain === 'forward').length, 3);
});

test('port rules: DNAT per port, host ip match only when given', () => {
  const r = rulesOf(new Rules('t').ports('cid', [
    { protocol: 'tcp', target: 80, containerIp: '10.9.0.2', hostIp: '', hostPort: 8080, network: 'x' },
    { protocol: 'udp', target: 53, containerIp: '10.9.0.2', hostIp: '127.0.0.1', hostPort: 5353, network: 'x' },
  ])).filter((x) => x.chain === 'ports');
  assert.equal(r.length, 2);
  assert.equal(r[0].comment, epTag('cid'));
  assert.deepEqual(r[0].expr.at(-1), { dnat: { family: 'ip', addr: '10.9.0.2', port: 80 } });
  assert.ok(!JSON.stringify(r[0].expr).includes('daddr'));
  assert.ok(JSON.stringify(r[1].expr).includes('"daddr"}},"right":"127.0.0.1"'));
  assert.ok(JSON.stringify(r[1].expr).includes('"protocol":"udp","field":"dport"'));
});

test('deletes by tag pick exactly the tagged rules by handle', () => {
  const listing = { nftables: [
    { rule: { family: 'inet', table: 't', chain: 'ports', handle: 5, comment: epTag('a') } },
    { rule: { family: 'inet', table: 't', chain: 'ports', handle: 6, comment: epTag('b') } },
    { rule: { family: 'inet', table: 't', chain: 'output', handle: 2, comment: 'base' } },
    { rule: { family: 'inet', table: 'other', chain: 'ports', handle: 7, comment: epTag('a') } },
  ] };
  assert.deepEqual(deletesByTag(listing, 't', new Set([epTag('a')])), [{ delete: { rule: { family: 'inet', table: 't', chain: 'ports', handle: 5 } } }]);
  assert.equal(taggedRuleCount(listing, 't'), 2);
});

test('IPv6: masquerade on ip6 saddr, DNAT with family ip6', () => {
  const n = net(false);
  n.enableIpv6 = true;
  n.subnets.push({ family: 6, subnet: 'fd00:9::/64', gateway: 'fd00:9::1' });
  const r = rulesOf(new Rules('t').network(n));
  assert.ok(r.some((x) => JSON.stringify(x.expr).includes('"protocol":"ip6","field":"saddr"')));
  const p = rulesOf(new Rules('t').ports('cid', [{ protocol: 'tcp', target: 80, containerIp: 'fd00:9::2', hostIp: '::', hostPort: 8080, network: 'x' }]));
  assert.deepEqual(p[0].expr[0], { match: { op: '==', left: { meta: { key: 'nfproto' } }, right: 'ipv6' } });
  assert.deepEqual(p[0].expr.at(-1), { dnat: { family: 'ip6', addr: 'fd00:9::2', port: 80 } });
});

test('DNS on the gateway is exempt from DNAT (accepted in the dns chain, jumped to before ports)', () => {
  const cmds = new Rules('t').network(net(false)) as Array<Record<string, any>>;
  assert.equal(cmds.filter((c) => c.insert).length, 0);
  const dns = rulesOf(cmds).filter((r) => r.chain === 'dns');
  assert.equal(dns.length, 1);
  assert.ok(JSON.stringify(dns[0].expr).includes('"right":"10.9.0.1"'));
  assert.deepEqual(dns[0].expr.at(-1), { accept: null });
  const pre = rulesOf(new Rules('t').tableSkeleton()).filter((r) => r.chain === 'prerouting');
  assert.deepEqual(pre.map((r) => r.expr.at(-1)), [{ jump: { target: 'dns' } }, { return: null }, { jump: { target: 'ports' } }]);
});

test('the skeleton can be sent again: base chains are flushed and refilled, tagged chains never flushed', () => {
  const sk = new Rules('t').tableSkeleton() as Array<Record<string, any>>;
  const flushed = sk.filter((c) => c.flush).map((c) => c.flush.chain.name).sort();
  assert.deepEqual(flushed, ['input', 'output', 'prerouting']);
  assert.ok(rulesOf(sk).every((r) => r.comment === 'base' && ['prerouting', 'output', 'input'].includes(r.chain)));
  assert.ok(sk.every((c) => !c.create && !c.insert));
});

test('the skeleton leaves out the chains known to exist, and the base rules when they are in place', () => {
  const r = new Rules('t');
  const chainsOf = (cmds: Array<Record<string, any>>) => cmds.filter((c) => c.add?.chain).map((c) => c.add.chain.name);
  const full = r.tableSkeleton() as Array<Record<string, any>>;
  assert.deepEqual(chainsOf(full), ['prerouting', 'output', 'postrouting', 'forward', 'input', 'ports', 'published', 'dns']);
  const some = r.tableSkeleton({ chains: new Set(['prerouting', 'ports', 'other']), baseRules: false }) as Array<Record<string, any>>;
  assert.deepEqual(chainsOf(some), ['output', 'postrouting', 'forward', 'input', 'published', 'dns']);
  assert.equal(some.filter((c) => c.flush).length, 3, 'base rules not in place: flushed and refilled');
  const all = r.tableSkeleton({ chains: new Set(chainsOf(full)), baseRules: true }) as Array<Record<string, any>>;
  assert.deepEqual(all.map((c) => Object.keys(Object.values(c)[0])[0]), ['table', 'set'], 'only the (cheap) table and set adds');
});

test('baseRulesInPlace: exactly the base rules in prerouting, output and input, counted per chain', () => {
  const r = new Rules('t');
  const listed = (rules: Array<{ chain: string; comment?: string }>, table = 't') => ({ nftables: rules.map((x) => ({ rule: { family: 'inet', table, handle: 1, expr: [], ...x } })) });
  const base = rulesOf(r.tableSkeleton()).map((x) => ({ chain: x.chain, comment: x.comment }));
  assert.equal(r.baseRulesInPlace(listed(base)), true);
  assert.equal(r.baseRulesInPlace(listed([...base, { chain: 'forward', comment: 'net:x' }])), true, 'other chains do not count');
  assert.equal(r.baseRulesInPlace(listed(base.slice(1))), false, 'one missing');
  assert.equal(r.baseRulesInPlace(listed([...base, { chain: 'input', comment: 'base' }])), false, 'one too many');
  assert.equal(r.baseRulesInPlace(listed([...base.slice(0, -1), { chain: 'input', comment: 'someone' }])), false, 'not ours');
  assert.equal(r.baseRulesInPlace(listed(base, 'other')), false, 'another table\'s');
  assert.equal(r.baseRulesInPlace({}), false);
});

test('localnet: 127.0.0.0/8 from outside is never DNATed and dropped on input unless DNATed', () => {
  const sk = rulesOf(new Rules('t').tableSkeleton());
  const ret = sk.find((r) => r.chain === 'prerouting' && r.expr.at(-1).return === null);
  assert.ok(JSON.stringify(ret.expr).includes('"left":{"meta":{"key":"iifname"}},"right":"lo"') && JSON.stringify(ret.expr).includes('"op":"!="'));
  assert.ok(JSON.stringify(ret.expr).includes('"addr":"127.0.0.0","len":8'));
  const drop = sk.filter((r) => r.chain === 'input');
  assert.equal(drop.length, 1);
  assert.deepEqual(drop[0].expr.at(-1), { drop: null });
  assert.ok(JSON.stringify(drop[0].expr).includes('"dnat"'), 'replies of DNATed connections pass');
});

test('inbound: from outside berth bridges only DNATed traffic, replies or directly routed published ports reach a container', () => {
  const fw = rulesOf(new Rules('t').network(net(false))).filter((r) => r.chain === 'forward');
  const inbound = fw.filter((r) => JSON.stringify(r.expr).includes('"right":"@bridges"') && JSON.stringify(r.expr).includes('"established"'));
  assert.deepEqual(inbound.map((r) => r.expr.at(-1)), [{ jump: { target: 'published' } }, { drop: null }]);
  const p = rulesOf(new Rules('t').ports('cid', [
    { protocol: 'tcp', target: 80, containerIp: '10.9.0.2', hostIp: '', hostPort: 8080, network: 'x' },
    { protocol: 'tcp', target: 81, containerIp: '10.9.0.2', hostIp: '127.0.0.1', hostPort: 8081, network: 'x' },
  ]));
  const pub = p.filter((r) => r.chain === 'published');
  assert.equal(pub.length, 1, 'only the port published on every address is reachable by container address');
  assert.ok(JSON.stringify(pub[0].expr).includes('"right":"10.9.0.2"') && JSON.stringify(pub[0].expr).includes('"right":80'));
  assert.equal(pub[0].comment, epTag('cid'));
});
