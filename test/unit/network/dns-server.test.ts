// The native DNS responder (native/out/berth-dns) as a real process on
// loopback (no root: a high port, 127.x gateways): answers on the wire,
// round-robin, flags, forwarding over UDP and TCP, reload on SIGHUP and on a
// replaced config file, bind failures, linger, exit with the last network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { tempDir } from '../../helpers/env.js';
import type { DnsConfig } from '../../../src/network/dns/records.js';
import { dnsDir, serverState, syncDns } from '../../../src/network/dns/manager.js';
import { statePaths } from '../../../src/state/paths.js';
import type { EndpointRecord, NetworkRecord } from '../../../src/network/types.js';
import { readConfig } from '../../../src/config.js';
import { addrs, ask, exchange, flag, loopbackBlock, query, randomPort, rcode, sleep, startResponder, waitGeneration, writeConfig } from '../../helpers/dns-wire.js';

/** An upstream on 127.0.0.1 (UDP and TCP on one port) answering every A question with 192.0.2.55. */
async function stubUpstream(): Promise<{ spec: string; seen: string[]; close: () => void }> {
  const seen: string[] = [];
  const answer = (m: Buffer) => {
    const q = dnsPacket.decode(m);
    seen.push(q.questions![0]!.name);
    return dnsPacket.encode({ type: 'response', id: q.id, flags: 0, questions: q.questions,
      answers: [{ type: 'A', class: 'IN', name: q.questions![0]!.name, ttl: 5, data: '192.0.2.55' }] });
  };
  for (;;) {
    const udp: Socket = createSocket('udp4');
    udp.on('message', (m, r) => udp.send(answer(m), r.port, r.address));
    await new Promise<void>((ok) => udp.bind(0, '127.0.0.1', ok));
    const port = udp.address().port;
    const tcp: Server = createServer((c) => {
      let buf = Buffer.alloc(0);
      c.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const out = answer(buf.subarray(2, 2 + buf.readUInt16BE(0)));
          const len = Buffer.alloc(2); len.writeUInt16BE(out.length); c.end(Buffer.concat([len, out]));
        }
      });
      c.on('error', () => {});
    });
    const ok = await new Promise<boolean>((r) => { tcp.once('error', () => r(false)); tcp.listen(port, '127.0.0.1', () => r(true)); });
    if (ok) return { spec: `127.0.0.1:${port}`, seen, close: () => { udp.close(); tcp.close(); } };
    udp.close();
  }
}

const net = (gw: string, entries: DnsConfig['networks'][0]['entries'], internal = false) => ({ id: 'n'.repeat(64), name: 'n', gateways: [gw], internal, entries });

test('dns responder: answers, flags, round-robin, forwarding, reload and exit', { timeout: 30_000 }, async () => {
  const t = tempDir();
  const up = await stubUpstream();
  const ip = loopbackBlock(), gw = ip(1);
  const port = randomPort();
  const cfg = (generation: number, networks: DnsConfig['networks']): DnsConfig => ({ generation, upstreams: [up.spec], networks });
  writeConfig(t.path, cfg(1, [net(gw, [
    { containerId: 'a', names: ['web', 'p-web-1'], ipv4: '10.9.0.2', ipv6: 'fd00::2', links: [] },
    { containerId: 'b', names: ['web', 'p-web-2'], ipv4: '10.9.0.3', links: [] },
  ])]));
  const r = startResponder(t.path, port);
  try {
    const state = await waitGeneration(t.path, 1);
    assert.equal(state.pid, r.child.pid);
    assert.deepEqual(state.bound, [gw]);
    const first = await ask(port, 'web', { server: gw, id: 4321 });
    assert.equal(first.id, 4321);
    assert.deepEqual(first.questions, [{ name: 'web', type: 'A', class: 'IN' }], 'the question is echoed');
    assert.equal(flag(first, 'aa'), true);
    assert.equal(flag(first, 'ra'), true);
    assert.equal(flag(first, 'rd'), true, 'RD echoed');
    assert.equal((first.answers![0] as { ttl: number }).ttl, 600);
    const second = await ask(port, 'web', { server: gw });
    assert.deepEqual(addrs(first).sort(), ['10.9.0.2', '10.9.0.3']);
    assert.deepEqual(addrs(second), [...addrs(first)].reverse(), 'round-robin order');
    assert.equal(flag(await ask(port, 'web', { server: gw, flags: 0 }), 'rd'), false, 'RD not set, not echoed');
    assert.deepEqual(addrs(await ask(port, 'p-web-1', { server: gw, type: 'AAAA' })), ['fd00::2']);
    assert.deepEqual(addrs(await ask(port, 'P-Web-2.', { server: gw, tcp: true })), ['10.9.0.3'], 'over TCP, case-insensitive');

    // Forwarded: the upstream's reply as is (its id is the client's), over the client's transport.
    const fwd = await ask(port, 'elsewhere.test', { server: gw, id: 777 });
    assert.equal(fwd.id, 777);
    assert.deepEqual(addrs(fwd), ['192.0.2.55']);
    assert.equal(flag(fwd, 'aa'), false, 'relayed, not rewritten');
    assert.deepEqual(addrs(await ask(port, 'tcp.elsewhere.test', { server: gw, tcp: true })), ['192.0.2.55']);
    assert.deepEqual(up.seen, ['elsewhere.test', 'tcp.elsewhere.test']);

    // Reload on SIGHUP: names change, internal networks stop forwarding.
    writeConfig(t.path, cfg(2, [net(gw, [{ containerId: 'c', names: ['db'], ipv4: '10.9.0.9', links: [] }], true)]));
    r.child.kill('SIGHUP');
    await waitGeneration(t.path, 2);
    assert.deepEqual(addrs(await ask(port, 'db', { server: gw })), ['10.9.0.9']);
    assert.equal(rcode(await ask(port, 'web', { server: gw })), 'NXDOMAIN');
    assert.equal(up.seen.length, 2, 'nothing forwarded from an internal network');

    // Reload on a replaced file alone (no signal).
    writeConfig(t.path, cfg(3, [net(gw, [{ containerId: 'c', names: ['db2'], ipv4: '10.9.0.10', links: [] }])]));
    await waitGeneration(t.path, 3);
    assert.deepEqual(addrs(await ask(port, 'db2', { server: gw })), ['10.9.0.10']);

    // A config that does not parse is logged; the previous records stay.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(t.path, 'config.txt'), 'berth-dns-config 1\ngeneration 4\nbogus line\nend\n');
    r.child.kill('SIGHUP');
    await r.waitLog(/config\.txt:3: unknown record 'bogus'/);
    assert.deepEqual(addrs(await ask(port, 'db2', { server: gw })), ['10.9.0.10']);

    writeConfig(t.path, cfg(5, []));
    r.child.kill('SIGHUP');
    assert.equal(await Promise.race([r.exited, sleep(5000).then(() => 'timeout')]), 0, 'exits when no network is left');
    assert.ok(!existsSync(join(t.path, 'server.json')));
  } finally {
    r.stop();
    up.close();
    t.cleanup();
  }
});

test('dns responder: a gateway it cannot bind is logged, the others are served; SIGTERM exits cleanly', { timeout: 20_000 }, async () => {
  const t = tempDir();
  const ip = loopbackBlock();
  const port = randomPort();
  // 192.0.2.1 is on no interface here: its bind fails (EADDRNOTAVAIL).
  writeConfig(t.path, { generation: 1, upstreams: [], networks: [
    { ...net('192.0.2.1', [{ containerId: 'x', names: ['x'], ipv4: '10.0.0.1', links: [] }]), id: 'bad' },
    { ...net(ip(1), [{ containerId: 'y', names: ['y'], ipv4: '10.0.0.2', links: [] }]), id: 'good' },
    { ...net('::1', [{ containerId: 'z', names: ['z'], ipv4: '10.0.0.3', ipv6: 'fd00::3', links: [] }]), id: 'six' },
  ] });
  const r = startResponder(t.path, port);
  try {
    const s = await waitGeneration(t.path, 1);
    assert.deepEqual(s.bound, [ip(1), '::1']);
    await r.waitLog(/cannot listen on 192\.0\.2\.1 port \d+ \(udp\): /);
    assert.deepEqual(addrs(await ask(port, 'y', { server: ip(1) })), ['10.0.0.2']);
    assert.deepEqual(addrs(await ask(port, 'z', { server: '::1', type: 'AAAA' })), ['fd00::3'], 'IPv6 gateway, UDP');
    assert.deepEqual(addrs(await ask(port, 'z', { server: '::1', tcp: true })), ['10.0.0.3'], 'IPv6 gateway, TCP');
    assert.equal(rcode(await ask(port, 'nowhere.test', { server: ip(1) })), 'SERVFAIL', 'no upstream: SERVFAIL');
    r.child.kill('SIGTERM');
    assert.equal(await Promise.race([r.exited, sleep(5000).then(() => 'timeout')]), 0);
    assert.ok(!existsSync(join(t.path, 'server.json')));
  } finally {
    r.stop();
    t.cleanup();
  }
});

test('dns responder --linger: waits for a first network, else exits; a SIGHUP ends the wait', { timeout: 20_000 }, async () => {
  const t = tempDir();
  const a = startResponder(t.path, 1, ['--linger', '400']);
  try {
    await waitGeneration(t.path, 0);
    const t0 = Date.now();
    assert.equal(await Promise.race([a.exited, sleep(5000).then(() => 'timeout')]), 0);
    assert.ok(Date.now() - t0 >= 200, 'it lingered');
    assert.ok(!existsSync(join(t.path, 'server.json')));
  } finally {
    a.stop();
  }
  const b = startResponder(t.path, 1, ['--linger', '60000']);
  try {
    await waitGeneration(t.path, 0);
    b.child.kill('SIGHUP');
    assert.equal(await Promise.race([b.exited, sleep(5000).then(() => 'timeout')]), 0, 'SIGHUP without networks: exit');
  } finally {
    b.stop();
  }
  // Its state directory removed under it: nothing left to serve, it exits.
  const c = startResponder(t.path, 1, ['--linger', '60000']);
  try {
    await waitGeneration(t.path, 0);
    rmSync(t.path, { recursive: true, force: true });
    assert.equal(await Promise.race([c.exited, sleep(5000).then(() => 'timeout')]), 0, 'exits when its directory goes');
  } finally {
    c.stop();
    t.cleanup();
  }
});

test('syncDns: starts the responder with the first network, signals it on changes, and it leaves with the last', { timeout: 30_000 }, async () => {
  const t = tempDir();
  const paths = statePaths(t.path, {});
  const cfg = readConfig(process.env);
  const port = randomPort();
  const ip = loopbackBlock();
  const saved = process.env.BERTH_DNS_PORT;
  process.env.BERTH_DNS_PORT = String(port); // the manager passes its environment to the responder
  try {
    const netRec: NetworkRecord = {
      id: 'a'.repeat(64), name: 'front', driver: 'bridge', bridge: 'br-test', mtu: 1500, internal: false, attachable: false,
      enableIpv6: false, labels: {}, options: {}, subnets: [{ family: 4, subnet: `${ip(0)}/24`, gateway: ip(1) }], created: new Date(0).toISOString(),
    };
    const ep = (id: string, name: string, addr: string): EndpointRecord => ({
      containerId: id.repeat(64), name, netnsPath: '/nonexistent', dnsNames: ['api'], ports: [], expose: [],
      attachments: [{ network: 'front', networkId: netRec.id, interface: 'eth0', hostVeth: 'vtest', ipv4: addr, aliases: [], links: [] }],
    });
    // The responder answers endpoints only: the queries come from one's address.
    const asker: EndpointRecord = { ...ep('e', 'proj-cli-1', ip(9)), dnsNames: [] };
    await syncDns(paths, [netRec], [ep('c', 'proj-api-1', '10.77.0.5'), asker], cfg);
    const first = serverState(paths);
    assert.ok(first, 'a responder runs');
    const argv = readFileSync(`/proc/${first.pid}/cmdline`, 'utf8').split('\0');
    assert.match(argv[0]!, /native\/out\/berth-dns$/);
    assert.deepEqual(addrs(await ask(port, 'api', { server: ip(1), src: ip(9) })), ['10.77.0.5']);
    assert.deepEqual(addrs(await ask(port, 'cccccccccccc', { server: ip(1), src: ip(9) })), ['10.77.0.5'], 'the short container id');
    await syncDns(paths, [netRec], [ep('c', 'proj-api-1', '10.77.0.5'), ep('d', 'proj-api-2', '10.77.0.6'), asker], cfg);
    assert.equal(serverState(paths)?.pid, first.pid, 'the same responder, reloaded');
    assert.equal(serverState(paths)?.generation, 2);
    assert.deepEqual(addrs(await ask(port, 'proj-api-2', { server: ip(1), src: ip(9) })), ['10.77.0.6']);
    assert.match(readFileSync(join(dnsDir(paths), 'config.txt'), 'utf8'), /^berth-dns-config 1\ngeneration 2\n/);
    await syncDns(paths, [], [], cfg);
    assert.equal(serverState(paths), undefined);
    let gone = false;
    for (let i = 0; i < 200 && !gone; i++) {
      try { process.kill(first.pid, 0); await sleep(10); } catch { gone = true; }
    }
    assert.ok(gone, 'the responder exited with the last network');
  } finally {
    if (saved === undefined) delete process.env.BERTH_DNS_PORT; else process.env.BERTH_DNS_PORT = saved;
    const s = serverState(paths);
    if (s) process.kill(s.pid, 'SIGKILL');
    t.cleanup();
  }
});

test('serverState: a pid that is not this root\'s responder does not count; a missing executable is a clear error', async () => {
  const t = tempDir();
  try {
    const paths = statePaths(t.path, {});
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(dnsDir(paths), { recursive: true });
    writeFileSync(join(dnsDir(paths), 'server.json'), JSON.stringify({ pid: process.pid, generation: 1, bound: [] }));
    assert.equal(serverState(paths), undefined, 'this test process is no responder');
    const { dnsBinary } = await import('../../../src/network/dns/manager.js');
    assert.throws(() => dnsBinary(readConfig({ BERTH_DNS_BIN: join(t.path, 'nope') })), /berth-dns not found at .*nope: build it with make -C native/);
    const { createNetwork } = await import('../../../src/network/networks.js');
    const { BerthError } = await import('../../../src/errors.js');
    await assert.rejects(createNetwork(paths, readConfig({ ...process.env, BERTH_DNS_BIN: join(t.path, 'nope') }), { name: 'nodns' }),
      (e) => e instanceof BerthError && /berth-dns not found/.test(e.message));
    const { readdirSync } = await import('node:fs');
    const records = existsSync(paths.networks) ? readdirSync(paths.networks).filter((f) => f.endsWith('.json')) : [];
    assert.deepEqual(records, [], 'no network record was created');
    void exchange; void query;
  } finally {
    t.cleanup();
  }
});
