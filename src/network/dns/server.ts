// berth's DNS responder: one detached host process serving every berth
// network on its gateway address(es), port 53, UDP and TCP. Usage:
//   node server.js <dns-dir> [--linger MS]
// <dns-dir>/config.json is the DnsConfig (rewritten by berth, then SIGHUP);
// the server writes <dns-dir>/server.json {pid, generation, bound} after each
// load, and exits when no berth network is left. With --linger (a start
// ahead of the first network, so that its Node start-up overlaps `up`'s own
// work), a first load without networks waits that long for one instead.
import { createSocket, type Socket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';
import { readFileSync, rmSync, watch, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import type { DnsConfig, DnsNetwork } from './records.js';
import { resolve, rotate } from './resolve.js';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: server.js <dns-dir>\n');
  process.exit(2);
}
const port = Number(process.env.BERTH_DNS_PORT || 53);
const lingerArg = process.argv.indexOf('--linger');
/** While set, a load without networks keeps the server waiting (until the timer fires). */
let linger: NodeJS.Timeout | undefined = lingerArg > 0
  ? setTimeout(() => shutdown(), Number(process.argv[lingerArg + 1]) || 10_000)
  : undefined;
const log = (msg: string) => process.stderr.write(`${new Date().toISOString()} ${msg}\n`);

interface Listener { udp: Socket; tcp: Server }
let cfg: DnsConfig = { generation: 0, upstreams: [], networks: [] };
const listeners = new Map<string, Listener>();
const bound = new Set<string>();
let counter = 0;

function networkFor(gateway: string): DnsNetwork | undefined {
  return cfg.networks.find((n) => n.gateways.includes(gateway));
}

function parseUpstream(u: string): { host: string; port: number } {
  const v6 = /^\[(.+)\]:(\d+)$/.exec(u);
  if (v6) return { host: v6[1]!, port: Number(v6[2]) };
  const v4 = /^([^:]+):(\d+)$/.exec(u);
  if (v4) return { host: v4[1]!, port: Number(v4[2]) };
  return { host: u, port: 53 };
}

/** One exchange over TCP (2-byte length prefix), for queries that came over TCP. */
function forwardTcp(query: Buffer, host: string, p: number): Promise<Buffer | undefined> {
  return new Promise((done) => {
    const c = connect({ host, port: p });
    let buf = Buffer.alloc(0);
    const finish = (r: Buffer | undefined) => { c.destroy(); done(r); };
    c.setTimeout(2000, () => finish(undefined));
    c.on('error', () => finish(undefined));
    c.on('connect', () => { const len = Buffer.alloc(2); len.writeUInt16BE(query.length); c.write(Buffer.concat([len, query])); });
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) finish(buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
  });
}

/** Sends the raw query to each upstream in turn (same transport as the client used); the first reply wins. */
async function forward(query: Buffer, tcp: boolean): Promise<Buffer | undefined> {
  for (const u of cfg.upstreams) {
    const { host, port: p } = parseUpstream(u);
    if (tcp) {
      const r = await forwardTcp(query, host, p);
      if (r) return r;
      continue;
    }
    const reply = await new Promise<Buffer | undefined>((done) => {
      const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      const t = setTimeout(() => { s.close(); done(undefined); }, 2000);
      s.once('message', (m) => { clearTimeout(t); s.close(); done(m); });
      s.once('error', () => { clearTimeout(t); s.close(); done(undefined); });
      s.send(query, p, host);
    });
    if (reply) return reply;
  }
  return undefined;
}

function reply(q: dnsPacket.Packet, rcode: number, answers: dnsPacket.Answer[]): Buffer {
  const rd = (q.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  return dnsPacket.encode({
    type: 'response', id: q.id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_AVAILABLE | rd | rcode,
    questions: q.questions, answers,
  });
}

async function handle(raw: Buffer, src: string, gateway: string, tcp = false): Promise<Buffer | undefined> {
  let q: dnsPacket.Packet;
  try { q = dnsPacket.decode(raw); } catch { return undefined; }
  const question = q.questions?.[0];
  const net = networkFor(gateway);
  if (!question || !net) return undefined;
  const a = resolve(cfg, net, src, question.name, question.type);
  switch (a.kind) {
    case 'addresses': {
      const type = question.type === 'AAAA' ? 'AAAA' : 'A';
      return reply(q, 0, rotate(a.addresses, counter++).map((ip) => ({ type, class: 'IN', name: question.name, ttl: 600, data: ip }) as dnsPacket.Answer));
    }
    case 'ptr':
      return reply(q, 0, a.names.map((n) => ({ type: 'PTR', class: 'IN', name: question.name, ttl: 600, data: n }) as dnsPacket.Answer));
    case 'nxdomain':
      return reply(q, 3, []);
    case 'forward':
      return (await forward(raw, tcp)) ?? reply(q, 2, []);  // SERVFAIL when every upstream is silent
  }
}

function listen(ip: string): Promise<Listener> {
  return new Promise((ok, fail) => {
    const udp = createSocket({ type: ip.includes(':') ? 'udp6' : 'udp4' });
    udp.on('message', (m, r) => {
      handle(m, r.address, ip).then((out) => { if (out) udp.send(out, r.port, r.address); }, (e) => log(`udp ${ip}: ${e}`));
    });
    udp.once('error', fail);
    udp.bind(port, ip, () => {
      udp.removeListener('error', fail);
      udp.on('error', (e) => log(`udp ${ip}: ${e.message}`));
      const tcp = createServer((c) => {
        let buf = Buffer.alloc(0);
        c.on('data', (d) => {
          buf = Buffer.concat([buf, d]);
          while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
            const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
            buf = buf.subarray(2 + msg.length);
            handle(msg, c.remoteAddress?.replace(/^::ffff:/, '') ?? '', ip, true).then((out) => {
              if (out) { const len = Buffer.alloc(2); len.writeUInt16BE(out.length); c.write(Buffer.concat([len, out])); }
            }, (e) => log(`tcp ${ip}: ${e}`));
          }
        });
        c.on('error', () => c.destroy());
        c.setTimeout(10_000, () => c.destroy());
      });
      tcp.once('error', (e) => { udp.close(); fail(e); });
      tcp.listen({ host: ip, port }, () => ok({ udp, tcp }));
    });
  });
}

function writeState(): void {
  const file = join(dir, 'server.json');
  writeFileSync(`${file}.tmp`, JSON.stringify({ pid: process.pid, generation: cfg.generation, bound: [...bound] }));
  renameSync(`${file}.tmp`, file);
}

function shutdown(code = 0): never {
  for (const l of listeners.values()) { l.udp.close(); l.tcp.close(); }
  rmSync(join(dir, 'server.json'), { force: true });
  process.exit(code);
}

let reloading = Promise.resolve();
function reload(): void {
  reloading = reloading.then(async () => {
    try {
      cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as DnsConfig;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        log(`config: ${(e as Error).message}`);
        return;
      }
      if (!linger) shutdown();
      cfg = { generation: 0, upstreams: [], networks: [] };
    }
    if (cfg.networks.length === 0 && !linger) shutdown();
    if (cfg.networks.length > 0 && linger) {
      clearTimeout(linger);
      linger = undefined;
    }
    const want = new Set(cfg.networks.flatMap((n) => n.gateways));
    for (const [ip, l] of listeners) {
      if (!want.has(ip)) { l.udp.close(); l.tcp.close(); listeners.delete(ip); bound.delete(ip); }
    }
    for (const ip of want) {
      if (listeners.has(ip)) continue;
      try {
        listeners.set(ip, await listen(ip));
        bound.add(ip);
      } catch (e) {
        log(`cannot listen on ${ip}:${port}: ${(e as Error).message}`);
      }
    }
    writeState();
  });
}

// A SIGHUP comes from berth after a change: no more waiting for a first network.
process.on('SIGHUP', () => {
  clearTimeout(linger);
  linger = undefined;
  reload();
});
process.on('SIGTERM', () => shutdown());
process.on('SIGINT', () => shutdown());
let timer: NodeJS.Timeout | undefined;
watch(dir, (_ev, file) => {
  if (file !== 'config.json') return;
  clearTimeout(timer);
  timer = setTimeout(reload, 50);
});
reload();
