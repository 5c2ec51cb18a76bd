// Shared pieces of the network integration tests: commands inside a netns,
// free test subnets, a loopback stub DNS upstream, and servers run in a netns.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { hostRoutes } from '../../../src/network/networks.js';
import { overlaps, parseCidr } from '../../../src/network/ipam/cidr.js';

export function sh(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export const inNs = (ns: string, args: string[]) => sh('nsenter', [`--net=${ns}`, ...args]);
export const ping = (ns: string, ip: string) => inNs(ns, ['busybox', 'ping', '-c', '1', '-W', '1', ip]).ok;

/**
 * n distinct /24s in 10.213.0.0/16 that nothing on the host routes. Each test
 * file passes its own band of third octets so files running in parallel never
 * pick the same subnet between the check and the creation.
 */
export function freeSubnets(n: number, band: [number, number] = [1, 254]): string[] {
  const routed = hostRoutes().map((r) => parseCidr(r));
  const out: string[] = [];
  for (let tries = 0; out.length < n && tries < 500; tries++) {
    const s = `10.213.${band[0] + Math.floor(Math.random() * (band[1] - band[0] + 1))}.0/24`;
    if (out.includes(s) || routed.some((r) => overlaps(r, parseCidr(s)))) continue;
    out.push(s);
  }
  if (out.length < n) throw new Error('no free 10.213.x.0/24 subnets for the test');
  return out;
}

const STUB = `
const dgram = require('dgram'), net = require('net'), fs = require('fs'), dnsPacket = require(process.argv[1]);
const log = process.argv[2], host = process.argv[3] || '127.0.0.1', fixed = Number(process.argv[4] || 0);
function answer(m, via) {
  const q = dnsPacket.decode(m);
  const name = (q.questions && q.questions[0] && q.questions[0].name) || '';
  fs.appendFileSync(log, name + (via ? ' ' + via : '') + '\\n');
  const hit = name === 'stub.berth.test' && q.questions[0].type === 'A';
  return dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE | (hit ? 0 : 3), questions: q.questions,
    answers: hit ? [{ type: 'A', class: 'IN', name, ttl: 60, data: '192.0.2.123' }] : [] });
}
function start() {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (m, r) => sock.send(answer(m), r.port, r.address));
  sock.bind(fixed, host, () => {
    const port = sock.address().port;
    const srv = net.createServer((c) => {
      let buf = Buffer.alloc(0);
      c.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const out = answer(buf.subarray(2, 2 + buf.readUInt16BE(0)), 'tcp');
          const len = Buffer.alloc(2); len.writeUInt16BE(out.length); c.end(Buffer.concat([len, out]));
        }
      });
    });
    srv.once('error', (e) => { sock.close(); if (fixed) throw e; start(); });  // the TCP port is taken: try another pair
    srv.listen(port, host, () => process.stdout.write(port + '\\n'));
  });
}
start();`;

/**
 * A DNS stub on 127.0.0.1 (or `at`, e.g. a 127.x address on port 53, as Compose `dns` names servers; UDP and TCP, same port) in its own process (the test process blocks in
 * spawnSync while clients run): answers stub.berth.test with 192.0.2.123,
 * NXDOMAIN otherwise, and logs every name asked ("name tcp" over TCP).
 */
export async function stubDns(dir: string, at?: { host: string; port: number }): Promise<{ port: number; seen: () => string[]; close: () => void }> {
  const log = join(dir, `stub-dns-${at?.host ?? 'lo'}.log`);
  writeFileSync(log, '');
  const dnsPacketPath = createRequire(import.meta.url).resolve('dns-packet');
  const child = spawn(process.execPath, ['-e', STUB, dnsPacketPath, log, ...(at ? [at.host, String(at.port)] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((ok, fail) => {
    const t = setTimeout(() => fail(new Error('stub DNS did not start')), 5000);
    child.stdout!.once('data', (d) => { clearTimeout(t); ok(Number(String(d).trim())); });
  });
  return { port, seen: () => readFileSync(log, 'utf8').split('\n').filter(Boolean), close: () => child.kill('SIGKILL') };
}

const SERVER = `
const net = require('net'), dgram = require('dgram');
const [tcpPort, udpPort, tag] = process.argv.slice(1);
net.createServer((c) => { c.end('tcp:' + tag + '\\n'); }).listen(+tcpPort, '::', () => {
  const u = dgram.createSocket('udp6');
  u.on('message', (m, r) => u.send('udp:' + tag + ':' + m, r.port, r.address));
  u.bind(+udpPort, '::', () => process.stdout.write('ready\\n'));
});`;

/** A TCP (greeting) + UDP (echo) server inside the netns, IPv4 and IPv6; resolves once listening. */
export async function serveIn(ns: string, tcpPort: number, udpPort: number, tag: string): Promise<ChildProcess> {
  const child = spawn('nsenter', [`--net=${ns}`, process.execPath, '-e', SERVER, String(tcpPort), String(udpPort), tag], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ok, fail) => {
    const t = setTimeout(() => fail(new Error('server did not start')), 5000);
    child.stdout!.on('data', (d) => { if (String(d).includes('ready')) { clearTimeout(t); ok(); } });
    child.once('exit', (c) => { clearTimeout(t); fail(new Error(`server exited ${c}`)); });
  });
  return child;
}

/** TCP greeting from host:port, run from inside a netns (null = the host) with busybox nc. */
export function tcpFrom(ns: string | null, host: string, port: number): string {
  const args = ['busybox', 'nc', '-w', '2', host, String(port)];
  const r = ns ? inNs(ns, args) : sh(args[0]!, args.slice(1));
  return r.out.trim();
}

/** A UDP round trip from the host (this process). */
export async function udpAsk(host: string, port: number, msg: string): Promise<string> {
  const s = createSocket('udp4');
  try {
    return await new Promise<string>((ok, fail) => {
      const t = setTimeout(() => fail(new Error(`no UDP answer from ${host}:${port}`)), 3000);
      s.on('message', (m) => { clearTimeout(t); ok(String(m)); });
      s.send(msg, port, host);
    });
  } finally {
    s.close();
  }
}

export function ipLinkNames(): string[] {
  return execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' }).split('\n').map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '').filter(Boolean);
}

const ASK = `
const dgram = require('dgram'), net = require('net'), dnsPacket = require(process.argv[1]);
const [server, name, proto] = process.argv.slice(2);
const q = dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
const done = (m) => { const p = dnsPacket.decode(m); process.stdout.write(JSON.stringify({ rcode: p.rcode, answers: (p.answers || []).map((a) => String(a.data)) })); process.exit(0); };
setTimeout(() => { process.stdout.write(JSON.stringify({ timeout: true })); process.exit(0); }, 3000);
if (proto === 'tcp') {
  const c = net.connect(53, server, () => { const l = Buffer.alloc(2); l.writeUInt16BE(q.length); c.write(Buffer.concat([l, q])); });
  let buf = Buffer.alloc(0);
  c.on('data', (d) => { buf = Buffer.concat([buf, d]); if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(buf.subarray(2, 2 + buf.readUInt16BE(0))); });
  c.on('error', (e) => { process.stdout.write(JSON.stringify({ error: e.code })); process.exit(0); });
} else {
  const s = dgram.createSocket(server.includes(':') ? 'udp6' : 'udp4');
  s.on('message', done);
  s.send(q, 53, server);
}`;

export interface DnsReply { rcode?: string; answers?: string[]; timeout?: boolean; error?: string }

/** One A query to server:53 from inside a netns (null = the host), over UDP or TCP; the decoded reply, or {timeout}. */
export function dnsAsk(ns: string | null, server: string, name: string, proto: 'udp' | 'tcp' = 'udp'): DnsReply {
  const dnsPacketPath = createRequire(import.meta.url).resolve('dns-packet');
  const args = [process.execPath, '-e', ASK, dnsPacketPath, server, name, proto];
  const r = ns ? inNs(ns, args) : sh(args[0]!, args.slice(1));
  try { return JSON.parse(r.out) as DnsReply; } catch { throw new Error(`dnsAsk ${server} ${name}: ${r.out}`); }
}

/**
 * A netns that is no endpoint of any berth network: a veth into the host
 * (10.213.x.{1,2}/30 from the band given) with its default route via the
 * host, so that it can reach every gateway address, as a neighbour routed to
 * the bridge could. Returns its path and a removal.
 */
export function outsiderNs(path: string, hostLink: string, subnet: string): { path: string; remove: () => void } {
  const [a, b, c] = subnet.split('.');
  const hostIp = `${a}.${b}.${c}.1`, nsIp = `${a}.${b}.${c}.2`;
  const steps: string[][] = [
    ['ip', 'link', 'add', hostLink, 'type', 'veth', 'peer', 'name', `${hostLink}p`],
    ['ip', 'addr', 'add', `${hostIp}/30`, 'dev', hostLink], ['ip', 'link', 'set', hostLink, 'up'],
    ['ip', 'link', 'set', `${hostLink}p`, 'netns', path],
  ];
  for (const s of steps) { const r = sh(s[0]!, s.slice(1)); if (!r.ok) throw new Error(`${s.join(' ')}: ${r.out}`); }
  for (const s of [['ip', 'addr', 'add', `${nsIp}/30`, 'dev', `${hostLink}p`], ['ip', 'link', 'set', `${hostLink}p`, 'up'], ['ip', 'link', 'set', 'lo', 'up'], ['ip', 'route', 'add', 'default', 'via', hostIp]]) {
    const r = inNs(path, s);
    if (!r.ok) throw new Error(`${s.join(' ')}: ${r.out}`);
  }
  return { path, remove: () => { sh('ip', ['link', 'del', hostLink]); } };
}
