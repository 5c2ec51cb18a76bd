// The DNS responder as a real process on loopback (no root: a high port,
// gateway 127.0.0.1): answers on the wire, round-robin, forwarding to a
// stub upstream, reload on change, exit when no network is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dnsPacket from 'dns-packet';
import { tempDir } from '../../helpers/env.js';
import { writeJsonAtomic } from '../../../src/state/atomic.js';
import type { DnsConfig } from '../../../src/network/dns/records.js';
import { dnsDir, prestartDns, serverState, syncDns } from '../../../src/network/dns/manager.js';
import { statePaths } from '../../../src/state/paths.js';
import type { EndpointRecord, NetworkRecord } from '../../../src/network/types.js';

const server = fileURLToPath(new URL('../../../src/network/dns/server.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ask(port: number, name: string, type: 'A' | 'AAAA' = 'A'): Promise<dnsPacket.Packet> {
  const s = createSocket('udp4');
  return new Promise<dnsPacket.Packet>((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`no answer for ${name}`)), 3000);
    s.on('message', (m) => { clearTimeout(t); ok(dnsPacket.decode(m)); });
    s.send(dnsPacket.encode({ type: 'query', id: 9, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] }), port, '127.0.0.1');
  }).finally(() => s.close());
}
const addrs = (p: dnsPacket.Packet) => (p.answers ?? []).map((a) => String((a as { data: unknown }).data));
const rcode = (p: dnsPacket.Packet) => (p as { rcode?: string }).rcode;

async function waitGeneration(dir: string, gen: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try { if (JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8')).generation >= gen) return; } catch { /* not yet */ }
    await sleep(10);
  }
  throw new Error(`server did not load generation ${gen}`);
}

test('dns server: answers, round-robin, forwarding, reload and exit', { timeout: 20_000 }, async () => {
  const t = tempDir();
  const upstream = createSocket('udp4');
  upstream.on('message', (m, r) => {
    const q = dnsPacket.decode(m);
    upstream.send(dnsPacket.encode({ type: 'response', id: q.id, flags: 0, questions: q.questions,
      answers: [{ type: 'A', class: 'IN', name: q.questions![0]!.name, ttl: 5, data: '192.0.2.55' }] }), r.port, r.address);
  });
  await new Promise<void>((ok) => upstream.bind(0, '127.0.0.1', ok));
  const port = 20000 + Math.floor(Math.random() * 30000);
  const net = (entries: DnsConfig['networks'][0]['entries'], internal = false) => ({ id: 'n'.repeat(64), name: 'n', gateways: ['127.0.0.1'], internal, entries });
  const cfg = (generation: number, networks: DnsConfig['networks']): DnsConfig => ({ generation, upstreams: [`127.0.0.1:${upstream.address().port}`], networks });
  writeJsonAtomic(join(t.path, 'config.json'), cfg(1, [net([
    { containerId: 'a', names: ['web', 'p-web-1'], ipv4: '10.9.0.2', ipv6: 'fd00::2', links: [] },
    { containerId: 'b', names: ['web', 'p-web-2'], ipv4: '10.9.0.3', links: [] },
  ])]));
  const child = spawn(process.execPath, [server, t.path], { env: { ...process.env, BERTH_DNS_PORT: String(port) }, stdio: 'inherit' });
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  try {
    await waitGeneration(t.path, 1);
    const first = addrs(await ask(port, 'web')), second = addrs(await ask(port, 'web'));
    assert.deepEqual([...first].sort(), ['10.9.0.2', '10.9.0.3']);
    assert.deepEqual(second, [...first].reverse(), 'round-robin order');
    assert.deepEqual(addrs(await ask(port, 'p-web-1', 'AAAA')), ['fd00::2']);
    assert.deepEqual(addrs(await ask(port, 'elsewhere.test')), ['192.0.2.55'], 'forwarded upstream');

    // Reload: names change, internal networks stop forwarding.
    writeJsonAtomic(join(t.path, 'config.json'), cfg(2, [net([{ containerId: 'c', names: ['db'], ipv4: '10.9.0.9', links: [] }], true)]));
    child.kill('SIGHUP');
    await waitGeneration(t.path, 2);
    assert.deepEqual(addrs(await ask(port, 'db')), ['10.9.0.9']);
    const gone = await ask(port, 'web');
    assert.equal(rcode(gone), 'NXDOMAIN');

    writeJsonAtomic(join(t.path, 'config.json'), cfg(3, []));
    child.kill('SIGHUP');
    assert.equal(await Promise.race([exited, sleep(5000).then(() => 'timeout')]), 0, 'exits when no network is left');
    assert.ok(!existsSync(join(t.path, 'server.json')));
  } finally {
    child.kill('SIGKILL');
    upstream.close();
    t.cleanup();
  }
});

test('dns server --linger: waits for a first network, else exits by itself', { timeout: 20_000 }, async () => {
  const t = tempDir();
  const child = spawn(process.execPath, [server, t.path, '--linger', '400'], { env: { ...process.env, BERTH_DNS_PORT: '1' }, stdio: 'inherit' });
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  try {
    await waitGeneration(t.path, 0);
    const t0 = Date.now();
    assert.equal(await Promise.race([exited, sleep(5000).then(() => 'timeout')]), 0);
    assert.ok(Date.now() - t0 >= 200, 'it lingered');
    assert.ok(!existsSync(join(t.path, 'server.json')));
  } finally {
    child.kill('SIGKILL');
    t.cleanup();
  }
});

test('prestartDns: the responder started ahead serves the first network, and leaves with the last', { timeout: 30_000 }, async () => {
  const t = tempDir();
  const paths = statePaths(t.path);
  const port = 20000 + Math.floor(Math.random() * 30000);
  const saved = process.env.BERTH_DNS_PORT;
  process.env.BERTH_DNS_PORT = String(port); // the manager passes its environment to the server
  try {
    prestartDns(paths);
    prestartDns(paths); // a second call while it starts adds no second server
    const pid = (JSON.parse(readFileSync(join(dnsDir(paths), 'starting.json'), 'utf8')) as { pid: number }).pid;
    const net: NetworkRecord = {
      id: 'a'.repeat(64), name: 'front', driver: 'bridge', bridge: 'br-test', mtu: 1500, internal: false, attachable: false,
      enableIpv6: false, labels: {}, options: {}, subnets: [{ family: 4, subnet: '127.0.0.0/8', gateway: '127.0.0.1' }], created: new Date(0).toISOString(),
    };
    const ep: EndpointRecord = {
      containerId: 'c'.repeat(64), name: 'proj-api-1', netnsPath: '/nonexistent', dnsNames: ['api'], ports: [], expose: [],
      attachments: [{ network: 'front', networkId: net.id, interface: 'eth0', hostVeth: 'vtest', ipv4: '10.77.0.5', aliases: [], links: [] }],
    };
    await syncDns(paths, [net], [ep]);
    assert.equal(serverState(paths)?.pid, pid, 'the prestarted server took the config; no second one');
    assert.deepEqual(addrs(await ask(port, 'api')), ['10.77.0.5']);
    await syncDns(paths, [], []);
    assert.equal(serverState(paths), undefined);
    let gone = false;
    for (let i = 0; i < 200 && !gone; i++) {
      try { process.kill(pid, 0); await sleep(10); } catch { gone = true; }
    }
    assert.ok(gone, 'the server exited with the last network');
  } finally {
    if (saved === undefined) delete process.env.BERTH_DNS_PORT; else process.env.BERTH_DNS_PORT = saved;
    const s = serverState(paths);
    if (s) process.kill(s.pid, 'SIGKILL');
    t.cleanup();
  }
});
