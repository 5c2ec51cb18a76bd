// Driving the native DNS responder (native/out/berth-dns) over loopback, no
// root needed: a high port (BERTH_DNS_PORT), gateways and "container"
// addresses in 127.0.0.0/8 (a client binds its source address there, which
// is how the responder tells who is asking).
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { writeFileAtomic } from '../../src/state/atomic.js';
import { dnsConfigText, type DnsConfig } from '../../src/network/dns/records.js';
import { nativeOut } from './env.js';

const dnsBin = join(nativeOut, 'berth-dns');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A random 127.a.b.0/24 block: its .1 is a gateway, others are asker addresses. */
export function loopbackBlock(): (host: number) => string {
  const a = 100 + Math.floor(Math.random() * 150), b = Math.floor(Math.random() * 250);
  return (host: number) => `127.${a}.${b}.${host}`;
}
export const randomPort = () => 20000 + Math.floor(Math.random() * 30000);

/**
 * The responder answers only the endpoints of the receiving network; these
 * tests ask from the host's 127.0.0.1 / ::1 unless they bind another source,
 * so `hostAsks` (the default) makes those an endpoint, without names, of
 * every network (a container of its own on each: its scope stays the
 * receiving network alone).
 */
const HOST_ASKER = 'host-asker';

/** Writes the config as berth does (the responder's config.txt). */
export function writeConfig(dir: string, cfg: DnsConfig, o: { hostAsks?: boolean } = {}): void {
  if (o.hostAsks !== false) {
    cfg = { ...cfg, networks: cfg.networks.map((n) => ({ ...n, entries: [...n.entries, { containerId: `${HOST_ASKER}-${n.id}`, names: [], ipv4: '127.0.0.1', ipv6: '::1', links: [] }] })) };
  }
  writeFileAtomic(join(dir, 'config.txt'), dnsConfigText(cfg), { durable: false });
}

export interface Responder { child: ChildProcess; exited: Promise<number | null>; log: () => string; waitLog: (re: RegExp) => Promise<void>; stop: () => void }

export function startResponder(dir: string, port: number, extra: string[] = []): Responder {
  const child = spawn(dnsBin, [dir, ...extra], { env: { ...process.env, BERTH_DNS_PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d) => { log += String(d); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const waitLog = async (re: RegExp) => {
    for (let i = 0; i < 300 && !re.test(log); i++) await sleep(10);
    if (!re.test(log)) throw new Error(`the responder did not log ${re}; its log:\n${log}`);
  };
  return { child, exited, log: () => log, waitLog, stop: () => { if (child.exitCode === null) child.kill('SIGKILL'); } };
}

export async function waitGeneration(dir: string, gen: number): Promise<{ pid: number; generation: number; bound: string[] }> {
  for (let i = 0; i < 500; i++) {
    try {
      const s = JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8'));
      if (s.generation >= gen) return s;
    } catch { /* not yet */ }
    await sleep(5);
  }
  throw new Error(`responder did not load generation ${gen}`);
}

export interface AskOptions { type?: string; server?: string; src?: string; tcp?: boolean; flags?: number; timeoutMs?: number; id?: number }

/** One raw exchange: the reply's bytes, or undefined when none came in time. */
export async function exchange(port: number, msg: Buffer, o: { server?: string; src?: string; tcp?: boolean; timeoutMs?: number } = {}): Promise<Buffer | undefined> {
  const server = o.server ?? '127.0.0.1', timeoutMs = o.timeoutMs ?? 3000;
  if (o.tcp) {
    return new Promise((ok) => {
      const c = connect({ host: server, port, localAddress: o.src });
      let buf = Buffer.alloc(0);
      const done = (r: Buffer | undefined) => { clearTimeout(t); c.destroy(); ok(r); };
      const t = setTimeout(() => done(undefined), timeoutMs);
      c.on('error', () => done(undefined));
      c.on('connect', () => { const len = Buffer.alloc(2); len.writeUInt16BE(msg.length); c.write(Buffer.concat([len, msg])); });
      c.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      });
      c.on('end', () => done(undefined));
    });
  }
  const s = createSocket(server.includes(':') ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((ok, fail) => { s.once('error', fail); s.bind(0, o.src, () => ok()); });
    return await new Promise<Buffer | undefined>((ok) => {
      const t = setTimeout(() => ok(undefined), timeoutMs);
      s.on('message', (m) => { clearTimeout(t); ok(m); });
      s.send(msg, port, server);
    });
  } finally {
    s.close();
  }
}

export function query(name: string, type = 'A', id = 9, flags = dnsPacket.RECURSION_DESIRED): Buffer {
  return dnsPacket.encode({ type: 'query', id, flags, questions: [{ type: type as 'A', name }] });
}

/** Asks name and decodes the reply (throws when none came). */
export async function ask(port: number, name: string, o: AskOptions = {}): Promise<dnsPacket.Packet> {
  const r = await exchange(port, query(name, o.type, o.id, o.flags), o);
  if (!r) throw new Error(`no answer for ${name} ${o.type ?? 'A'} from ${o.server ?? '127.0.0.1'}${o.tcp ? ' (tcp)' : ''}`);
  return dnsPacket.decode(r);
}

export const addrs = (p: dnsPacket.Packet) => (p.answers ?? []).map((a) => String((a as { data: unknown }).data));
export const rcode = (p: dnsPacket.Packet) => (p as { rcode?: string }).rcode;
/** The header flags dns-packet decodes (not in its types). */
export const flag = (p: dnsPacket.Packet, f: 'aa' | 'ra' | 'rd' | 'tc'): boolean => Boolean((p as unknown as Record<string, unknown>)[`flag_${f}`]);
