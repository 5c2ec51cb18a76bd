// The native responder against hostile and heavy input: malformed packets
// (truncated labels, compression loops, huge counts), random and mutated
// packets over UDP and TCP, a flood of forwarded queries to a silent
// upstream that must not hold up local answers, upstream failover.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { connect, createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { randomBytes } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { tempDir } from '../../helpers/env.js';
import type { DnsConfig } from '../../../src/network/dns/records.js';
import { addrs, ask, exchange, loopbackBlock, query, randomPort, rcode, sleep, startResponder, waitGeneration, writeConfig } from '../../helpers/dns-wire.js';

const hdr = (qd: number, an = 0, ns = 0, ar = 0, flags = 0x0100, id = 0x1234) => {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(id, 0); b.writeUInt16BE(flags, 2); b.writeUInt16BE(qd, 4); b.writeUInt16BE(an, 6); b.writeUInt16BE(ns, 8); b.writeUInt16BE(ar, 10);
  return b;
};
const qtail = Buffer.from([0, 1, 0, 1]);  // A IN
const webName = Buffer.from([3, 0x77, 0x65, 0x62, 0]);

/** Malformed packets, each of which must be dropped without a reply (and without harm). */
const malformed: Array<[string, Buffer]> = [
  ['empty', Buffer.alloc(0)],
  ['short header', Buffer.from([1, 2, 3, 4, 5])],
  ['no question', hdr(0)],
  ['question count, no question', hdr(1)],
  ['truncated label', Buffer.concat([hdr(1), Buffer.from([5, 0x61, 0x62])])],
  ['label past the end', Buffer.concat([hdr(1), Buffer.from([63]), Buffer.alloc(10, 0x61)])],
  ['reserved label type 0x40', Buffer.concat([hdr(1), Buffer.from([0x41, 0x61, 0]), qtail])],
  ['reserved label type 0x80', Buffer.concat([hdr(1), Buffer.from([0x81, 0x61, 0]), qtail])],
  ['pointer to itself', Buffer.concat([hdr(1), Buffer.from([0xc0, 12]), qtail])],
  ['pointer loop', Buffer.concat([hdr(1), Buffer.from([1, 0x61, 0xc0, 16, 0xc0, 12]), qtail])],
  ['pointer past the end', Buffer.concat([hdr(1), Buffer.from([0xc0, 0xff]), qtail])],
  ['half a pointer', Buffer.concat([hdr(1), Buffer.from([0xc0])])],
  ['name over 255 bytes', Buffer.concat([hdr(1), ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x61)])), Buffer.from([0]), qtail])],
  ['name growing through a pointer', Buffer.concat([hdr(1), Buffer.from([63]), Buffer.alloc(63, 0x61), Buffer.from([0xc0, 12]), qtail])],
  ['no type and class', Buffer.concat([hdr(1), webName, Buffer.from([0, 1])])],
  ['65535 questions, one there', Buffer.concat([hdr(65535), webName, qtail])],
  ['65535 answers, none there', Buffer.concat([hdr(1, 65535), webName, qtail])],
  ['truncated additional record', Buffer.concat([hdr(1, 0, 0, 1), webName, qtail, Buffer.from([0, 0, 41, 0x10])])],
  ['record data past the end', Buffer.concat([hdr(1, 1), webName, qtail, Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 9, 0xff, 0xff, 1, 2])])],
  ['a response', Buffer.concat([hdr(1, 0, 0, 0, 0x8100), webName, qtail])],
];

const net = (gw: string, upstreams: string[]): DnsConfig => ({ generation: 1, upstreams, networks: [
  { id: 'h'.repeat(64), name: 'h', gateways: [gw], internal: false, entries: [
    { containerId: 'w', names: ['web'], ipv4: '10.5.0.2', links: [] },
  ] },
] });

function tcpRaw(port: number, host: string, data: Buffer): Promise<void> {
  return new Promise((ok) => {
    const c: TcpSocket = connect({ host, port }, () => c.end(data));
    c.on('error', () => ok());
    c.on('close', () => ok());
    c.setTimeout(3000, () => c.destroy());
    c.resume();
  });
}

test('malformed, random and mutated packets are dropped; the responder keeps answering', { timeout: 60_000 }, async () => {
  const t = tempDir();
  const ip = loopbackBlock(), gw = ip(1), port = randomPort();
  writeConfig(t.path, net(gw, []));
  const r = startResponder(t.path, port);
  try {
    await waitGeneration(t.path, 1);
    for (const [what, pkt] of malformed) {
      assert.equal(await exchange(port, pkt, { server: gw, timeoutMs: 150 }), undefined, `${what}: no reply`);
    }
    // Over TCP too, each on its own connection, and a message cut short.
    for (const [, pkt] of malformed) {
      const len = Buffer.alloc(2); len.writeUInt16BE(pkt.length);
      await tcpRaw(port, gw, Buffer.concat([len, pkt]));
    }
    await tcpRaw(port, gw, Buffer.from([0x03, 0xe8, 1, 2, 3]));     // says 1000 bytes, sends 3
    await tcpRaw(port, gw, Buffer.from([0, 0]));                     // an empty message
    await tcpRaw(port, gw, Buffer.concat([Buffer.from([0xff, 0xff]), randomBytes(65535)]));
    assert.deepEqual(addrs(await ask(port, 'web', { server: gw })), ['10.5.0.2']);

    // Well-formed oddities: a second question compressed against the first;
    // a non-standard opcode (NOTIMP); a name with a dot inside a label.
    const two = Buffer.concat([hdr(2), webName, qtail, Buffer.from([0xc0, 12]), qtail]);
    const tworeply = dnsPacket.decode((await exchange(port, two, { server: gw }))!);
    assert.deepEqual(addrs(tworeply), ['10.5.0.2']);
    assert.equal(tworeply.questions!.length, 1, 'the first question is echoed');
    const status = await exchange(port, Buffer.concat([hdr(1, 0, 0, 0, 0x1100), webName, qtail]), { server: gw });
    assert.equal(rcode(dnsPacket.decode(status!)), 'NOTIMP');
    const dotted = await exchange(port, Buffer.concat([hdr(1), Buffer.from([7, 0x77, 0x65, 0x62, 0x2e, 0x61, 0x62, 0x63, 0]), qtail]), { server: gw });
    assert.equal(rcode(dnsPacket.decode(dotted!)), 'SERVFAIL', 'never matches a record (no upstream: SERVFAIL)');

    // Random bytes and mutations of a valid query, fired without waiting.
    const s: Socket = createSocket('udp4');
    await new Promise<void>((ok) => s.bind(0, '127.0.0.1', ok));
    const valid = query('web.example.test', 'A');
    for (let i = 0; i < 4000; i++) {
      let pkt: Buffer;
      if (i % 2) pkt = randomBytes(Math.floor(Math.random() * 80));
      else {
        pkt = Buffer.from(valid);
        for (let k = 0; k < 1 + (i % 4); k++) pkt[Math.floor(Math.random() * pkt.length)] = Math.floor(Math.random() * 256);
        if (i % 3 === 0) pkt = pkt.subarray(0, Math.floor(Math.random() * pkt.length));
      }
      s.send(pkt, port, gw);
      if (i % 200 === 0) await sleep(1);
    }
    const fuzzTcp = Array.from({ length: 40 }, () => tcpRaw(port, gw, randomBytes(Math.floor(Math.random() * 300))));
    await Promise.all(fuzzTcp);
    s.close();
    assert.deepEqual(addrs(await ask(port, 'web', { server: gw })), ['10.5.0.2']);
    assert.deepEqual(addrs(await ask(port, 'web', { server: gw, tcp: true })), ['10.5.0.2']);
    assert.equal(r.child.exitCode, null, 'still running');
  } finally {
    r.stop();
    t.cleanup();
  }
});

/** An upstream that takes queries (UDP and TCP, one port) and never answers. */
async function silentUpstream(): Promise<{ port: number; close: () => void }> {
  for (;;) {
    const udp = createSocket('udp4');
    udp.on('message', () => {});
    await new Promise<void>((ok) => udp.bind(0, '127.0.0.1', ok));
    const port = udp.address().port;
    const conns: TcpSocket[] = [];
    const tcp: Server = createServer((c) => { conns.push(c); c.on('error', () => {}); c.resume(); });
    if (await new Promise<boolean>((r) => { tcp.once('error', () => r(false)); tcp.listen(port, '127.0.0.1', () => r(true)); })) {
      return { port, close: () => { udp.close(); for (const c of conns) c.destroy(); tcp.close(); } };
    }
    udp.close();
  }
}

test('a flood of forwarded queries to a silent upstream does not hold up local answers; then SERVFAIL', { timeout: 30_000 }, async () => {
  const t = tempDir();
  const ip = loopbackBlock(), gw = ip(1), port = randomPort();
  const up = await silentUpstream();
  writeConfig(t.path, net(gw, [`127.0.0.1:${up.port}`]));
  const r = startResponder(t.path, port);
  const s: Socket = createSocket('udp4');
  try {
    await waitGeneration(t.path, 1);
    const replies: dnsPacket.Packet[] = [];
    s.on('message', (m) => replies.push(dnsPacket.decode(m)));
    await new Promise<void>((ok) => s.bind(0, '127.0.0.1', ok));
    // Paced, so that neither side's socket buffer overflows: the replies come
    // back 2 s later at the same pace.
    for (let id = 1; id <= 1100; id++) {
      s.send(query(`n${id}.example.test`, 'A', id), port, gw);
      if (id % 50 === 0) await sleep(5);
    }
    const tcpForward = ask(port, 'slow.example.test', { server: gw, tcp: true, id: 4242, timeoutMs: 8000 });
    await sleep(100);
    const local = await ask(port, 'web', { server: gw });
    const localTcp = await ask(port, 'web', { server: gw, tcp: true });
    assert.deepEqual(addrs(local), ['10.5.0.2']);
    assert.deepEqual(addrs(localTcp), ['10.5.0.2']);
    assert.equal(replies.length, 0, 'the local answers came while every forwarded query was still pending');
    const slow = await tcpForward;
    assert.equal(slow.id, 4242);
    assert.equal(rcode(slow), 'SERVFAIL');
    for (let i = 0; i < 300 && replies.length < 1000; i++) await sleep(20);
    assert.ok(replies.length >= 1000 && replies.length <= 1100, `SERVFAIL for the queries it took (${replies.length})`);
    assert.ok(replies.every((p) => rcode(p) === 'SERVFAIL' && (p.id ?? 0) >= 1 && (p.id ?? 0) <= 1100));
    assert.equal(r.child.exitCode, null);
  } finally {
    s.close();
    r.stop();
    up.close();
    t.cleanup();
  }
});

test('upstreams are tried in order: refused, then silent (2 s), then the one that answers', { timeout: 30_000 }, async () => {
  const t = tempDir();
  const ip = loopbackBlock(), gw = ip(1), port = randomPort();
  const silent = await silentUpstream();
  const refused = createSocket('udp4');
  await new Promise<void>((ok) => refused.bind(0, '127.0.0.1', ok));
  const refusedPort = refused.address().port;
  refused.close();
  const good = createSocket('udp4');
  good.on('message', (m, from) => {
    const q = dnsPacket.decode(m);
    good.send(dnsPacket.encode({ type: 'response', id: q.id, flags: 0, questions: q.questions,
      answers: [{ type: 'A', class: 'IN', name: q.questions![0]!.name, ttl: 5, data: '192.0.2.77' }] }), from.port, from.address);
  });
  await new Promise<void>((ok) => good.bind(0, '127.0.0.1', ok));
  writeConfig(t.path, net(gw, [`127.0.0.1:${refusedPort}`, `127.0.0.1:${silent.port}`, `127.0.0.1:${good.address().port}`]));
  const r = startResponder(t.path, port);
  try {
    await waitGeneration(t.path, 1);
    const reply = await ask(port, 'far.example.test', { server: gw, timeoutMs: 8000 });
    assert.deepEqual(addrs(reply), ['192.0.2.77']);
  } finally {
    r.stop();
    silent.close();
    good.close();
    t.cleanup();
  }
});

test('reloads under load: gateways come and go while queries flow to them', { timeout: 30_000 }, async () => {
  const t = tempDir();
  const ip = loopbackBlock(), port = randomPort();
  const cfgWith = (generation: number, gws: string[]): DnsConfig => ({ generation, upstreams: [], networks: gws.map((gw, i) => (
    { id: `n${i}`, name: `n${i}`, gateways: [gw], internal: true, entries: [{ containerId: `c${i}`, names: ['web'], ipv4: `10.5.${i}.2`, links: [] }] })) });
  writeConfig(t.path, cfgWith(1, [ip(1), ip(2)]));
  const r = startResponder(t.path, port);
  const s: Socket = createSocket('udp4');
  let flooding = true;
  try {
    await waitGeneration(t.path, 1);
    await new Promise<void>((ok) => s.bind(0, '127.0.0.1', ok));
    s.on('message', () => {});
    const flood = (async () => {
      for (let i = 0; flooding; i++) {
        s.send(query('web', 'A', i & 0xffff), port, ip(1 + (i % 2)));
        if (i % 20 === 0) await sleep(1);
      }
    })();
    for (let g = 2; g <= 61; g++) {   // ends on both gateways
      writeConfig(t.path, cfgWith(g, g % 2 ? [ip(1), ip(2)] : [ip(1)]));
      if (g % 3 === 0) r.child.kill('SIGHUP');
      await waitGeneration(t.path, g);
    }
    flooding = false;
    await flood;
    assert.deepEqual(addrs(await ask(port, 'web', { server: ip(1) })), ['10.5.0.2']);
    assert.deepEqual(addrs(await ask(port, 'web', { server: ip(2) })), ['10.5.1.2']);
    assert.equal(r.child.exitCode, null);
  } finally {
    flooding = false;
    s.close();
    r.stop();
    t.cleanup();
  }
});
