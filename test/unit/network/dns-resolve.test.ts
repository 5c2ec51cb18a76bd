// Resolution semantics on the wire, against the native responder: scoping by
// the asker's source address (127.x loopback addresses stand in for
// containers), replicas, aliases, links, PTR, internal networks, other types.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { tempDir } from '../../helpers/env.js';
import { buildDnsConfig } from '../../../src/network/dns/records.js';
import type { EndpointRecord, NetworkRecord } from '../../../src/network/types.js';
import { addrs, ask, loopbackBlock, randomPort, rcode, startResponder, waitGeneration, writeConfig, type Responder } from '../../helpers/dns-wire.js';

const X = loopbackBlock(), Y = loopbackBlock();   // network front (X) and internal network back (Y)
const FORWARDED = '192.0.2.55';                    // what the upstream stub answers

const net = (id: string, name: string, gw: string, internal = false): NetworkRecord => ({
  id: id.repeat(64), name, driver: 'bridge', bridge: `br-${id}`, mtu: 1500, internal, attachable: false, enableIpv6: true,
  labels: {}, options: {}, created: '', subnets: [{ family: 4, subnet: `${gw}/24`, gateway: gw }],
});
const A = net('a', 'front', X(1)), B = net('b', 'back', Y(1), true);
const att = (n: NetworkRecord, ip: string, aliases: string[] = [], links: string[] = [], ipv6?: string) =>
  ({ network: n.name, networkId: n.id, interface: 'eth0', hostVeth: 'v', ipv4: ip, ipv6, aliases, links });
const ep = (id: string, name: string, dns: string[], attachments: ReturnType<typeof att>[]): EndpointRecord =>
  ({ containerId: id, name, netnsPath: '/x', dnsNames: dns, attachments, ports: [], expose: [] });

let t: ReturnType<typeof tempDir>, r: Responder, port: number;
const upstream = createSocket('udp4');

before(async () => {
  upstream.on('message', (m, from) => {
    const q = dnsPacket.decode(m);
    upstream.send(dnsPacket.encode({ type: 'response', id: q.id, flags: 0, questions: q.questions,
      answers: [{ type: 'A', class: 'IN', name: q.questions![0]!.name, ttl: 5, data: FORWARDED }] }), from.port, from.address);
  });
  await new Promise<void>((ok) => upstream.bind(0, '127.0.0.1', ok));
  t = tempDir();
  port = randomPort();
  writeConfig(t.path, buildDnsConfig([A, B], [
    ep('c1', 'p-web-1', ['web'], [att(A, X(2), ['www'], ['cache:kv'])]),
    ep('c2', 'p-web-2', ['web'], [att(A, X(3), [], [], 'fd00:1::2')]),
    ep('c3', 'p-db-1', ['db'], [att(B, Y(2))]),
    ep('c4', 'p-api-1', ['api'], [att(A, X(4)), att(B, Y(3))]),
    ep('c5', 'p-cache-1', ['cache'], [att(A, X(9))]),
  ], [`127.0.0.1:${upstream.address().port}`], 1));
  r = startResponder(t.path, port);
  await waitGeneration(t.path, 1);
});
after(() => { r?.stop(); upstream.close(); t?.cleanup(); });

/** Asks as the container at src, on gateway gw. */
const from = (src: string, gw = X(1), more: { type?: string; tcp?: boolean } = {}) => (name: string) => ask(port, name, { server: gw, src, ...more });

test('service names resolve to every replica; container names and aliases too', async () => {
  assert.deepEqual(addrs(await from(X(4))('web')).sort(), [X(2), X(3)].sort());
  assert.deepEqual(addrs(await from(X(4))('P-WEB-2.')), [X(3)], 'case-insensitive, trailing dot ignored');
  assert.deepEqual(addrs(await from(X(3))('www')), [X(2)]);
  assert.deepEqual(addrs(await from(X(3))('c1')), [FORWARDED], 'not a 12-hex id: no short-id name');
  const empty = await from(X(3), X(1), { type: 'AAAA' })('www');
  assert.equal(rcode(empty), 'NOERROR');
  assert.deepEqual(addrs(empty), [], 'the name exists without an address of that type');
  assert.deepEqual(addrs(await from(X(4), X(1), { type: 'AAAA' })('p-web-2')), ['fd00:1::2']);
  const mx = await from(X(4), X(1), { type: 'MX' })('web');
  assert.equal(rcode(mx), 'NOERROR');
  assert.deepEqual(mx.answers, [], 'another type of a known name: empty, not forwarded');
});

test('answers are scoped to the asking container networks', async () => {
  // web (only on front) cannot see db (only on back): forwarded upstream like any unknown name.
  assert.deepEqual(addrs(await from(X(3))('db')), [FORWARDED]);
  // api is on both: sees db, through either gateway and over TCP too.
  assert.deepEqual(addrs(await from(X(4))('db')), [Y(2)]);
  assert.deepEqual(addrs(await from(X(4), X(1), { tcp: true })('db')), [Y(2)]);
  assert.deepEqual(addrs(await from(Y(3), Y(1))('web')).sort(), [X(2), X(3)].sort());
  // The receiving network's records come first: api asks for itself.
  assert.deepEqual(addrs(await from(Y(3), Y(1))('api')), [Y(3)]);
  // An internal network never forwards.
  assert.equal(rcode(await from(Y(2), Y(1))('example.test')), 'NXDOMAIN');
  assert.equal(rcode(await from(Y(2), Y(1))('web')), 'NXDOMAIN');
  // An unknown asker (the host) sees the receiving network only.
  assert.deepEqual(addrs(await from('127.0.0.1')('web')).length, 2);
  assert.deepEqual(addrs(await from('127.0.0.1')('db')), [FORWARDED]);
});

test('links give the linking container an extra name', async () => {
  assert.deepEqual(addrs(await from(X(2))('kv')), [X(9)]);
  assert.deepEqual(addrs(await from(X(9))('kv')), [FORWARDED], 'others do not see the link alias');
  assert.deepEqual(addrs(await from(X(2))('cache')), [X(9)]);
});

test('PTR answers the container name within scope (IPv4 and IPv6)', async () => {
  const rev = (ip: string) => `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  const ptr = await from(X(4), X(1), { type: 'PTR' })(rev(X(2)));
  assert.deepEqual(addrs(ptr), ['p-web-1']);
  assert.equal((ptr.answers![0] as { ttl: number }).ttl, 600);
  assert.deepEqual(addrs(await from(X(2), X(1), { type: 'PTR' })(rev(Y(2)))), [FORWARDED], 'out of scope: forwarded');
  assert.deepEqual(addrs(await from(X(4), X(1), { type: 'PTR' })(rev(Y(2)))), ['p-db-1']);
  const six = '2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa';
  assert.deepEqual(addrs(await from(X(9), X(1), { type: 'PTR' })(six)), ['p-web-2']);
  assert.deepEqual(addrs(await from(X(9), X(1), { type: 'PTR' })(six.toUpperCase())), ['p-web-2']);
  assert.deepEqual(addrs(await from(X(9), X(1), { type: 'PTR' })('300.0.0.10.in-addr.arpa')), [FORWARDED], 'not an address: forwarded');
  assert.deepEqual(addrs(await from(X(9), X(1), { type: 'PTR' })('web')), [FORWARDED], 'PTR of a plain name: forwarded');
});

test('round-robin rotates the replicas on every answer', async () => {
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) seen.add(addrs(await from(X(4))('web'))[0]!);
  assert.equal(seen.size, 2, 'each replica comes first in turn');
});
