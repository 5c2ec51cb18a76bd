// Who the responder answers: only the endpoints of the network a query comes
// in on (anyone else gets REFUSED and nothing is forwarded for them, so it is
// no open resolver), and where it forwards: an endpoint's own servers
// (Compose `dns`) before the global upstreams. Over loopback, no root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { tempDir } from '../../helpers/env.js';
import type { DnsConfig } from '../../../src/network/dns/records.js';
import { addrs, ask, loopbackBlock, randomPort, rcode, startResponder, waitGeneration, writeConfig } from '../../helpers/dns-wire.js';

/** A UDP upstream on 127.0.0.1 that answers every A query with `answer` and records the names asked. */
async function upstream(answer: string): Promise<{ port: number; seen: string[]; sock: Socket }> {
  const sock = createSocket('udp4'), seen: string[] = [];
  sock.on('message', (m, from) => {
    const q = dnsPacket.decode(m);
    seen.push(q.questions![0]!.name);
    sock.send(dnsPacket.encode({ type: 'response', id: q.id, flags: 0, questions: q.questions,
      answers: [{ type: 'A', class: 'IN', name: q.questions![0]!.name, ttl: 5, data: answer }] }), from.port, from.address);
  });
  await new Promise<void>((ok) => sock.bind(0, '127.0.0.1', ok));
  return { port: sock.address().port, seen, sock };
}

test('only the network\'s endpoints are answered; endpoints forward to their own dns servers first', { timeout: 30_000 }, async () => {
  const t = tempDir();
  const ip = loopbackBlock(), other = loopbackBlock(), port = randomPort();
  const global = await upstream('192.0.2.1'), own = await upstream('192.0.2.2');
  const cfg: DnsConfig = { generation: 1, upstreams: [`127.0.0.1:${global.port}`], networks: [
    { id: 'a'.repeat(64), name: 'a', gateways: [ip(1)], internal: false, entries: [
      { containerId: 'web', names: ['web'], ipv4: ip(2), links: [] },
      { containerId: 'cli', names: ['cli'], ipv4: ip(3), links: [], upstreams: [`127.0.0.1:${own.port}`] },
    ] },
    { id: 'b'.repeat(64), name: 'b', gateways: [other(1)], internal: false, entries: [
      { containerId: 'db', names: ['db'], ipv4: other(2), links: [] },
    ] },
  ] };
  writeConfig(t.path, cfg, { hostAsks: false });
  const r = startResponder(t.path, port);
  try {
    await waitGeneration(t.path, 1);
    // Endpoints: names answered; unknown names forwarded, to the asker's own servers when it has them.
    assert.deepEqual(addrs(await ask(port, 'web', { server: ip(1), src: ip(3) })), [ip(2)]);
    assert.deepEqual(addrs(await ask(port, 'web', { server: ip(1), src: ip(3), tcp: true })), [ip(2)]);
    assert.deepEqual(addrs(await ask(port, 'far.test', { server: ip(1), src: ip(2) })), ['192.0.2.1'], 'the global upstream');
    assert.deepEqual(addrs(await ask(port, 'mine.test', { server: ip(1), src: ip(3) })), ['192.0.2.2'], 'the endpoint\'s own');
    assert.deepEqual(addrs(await ask(port, 'mine-tcp.test', { server: ip(1), src: ip(3), tcp: true })), [], 'TCP: its own server has no TCP here');
    assert.deepEqual(own.seen, ['mine.test']);
    assert.deepEqual(global.seen, ['far.test'], 'the own servers replace the global ones');

    // Not an endpoint of the receiving network: REFUSED, nothing forwarded.
    const before = global.seen.length + own.seen.length;
    for (const [src, why] of [['127.0.0.1', 'the host'], [ip(9), 'an unknown address on the network'], [other(2), 'an endpoint of another network']] as const) {
      for (const tcp of [false, true]) {
        assert.equal(rcode(await ask(port, 'web', { server: ip(1), src, tcp })), 'REFUSED', `${why}${tcp ? ' (tcp)' : ''}`);
        assert.equal(rcode(await ask(port, 'far.test', { server: ip(1), src, tcp })), 'REFUSED', `${why}: no recursion${tcp ? ' (tcp)' : ''}`);
      }
    }
    assert.equal(global.seen.length + own.seen.length, before, 'nothing was forwarded for them');
    assert.deepEqual(addrs(await ask(port, 'db', { server: other(1), src: other(2) })), [other(2)], 'each network answers its own');
  } finally {
    r.stop();
    global.sock.close();
    own.sock.close();
    t.cleanup();
  }
});
