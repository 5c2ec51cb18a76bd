// Port publishing: Compose `ports` → exact host ports, checked against what
// berth already published and what is bound on the host, before anything is
// changed. Random host ports are chosen by the kernel (bind to port 0).
import { ipFamily } from './ipam/cidr.js';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { BerthError } from '../errors.js';
import type { PortBinding, PublishedPort } from './types.js';

export interface PortRequest {
  protocol: 'tcp' | 'udp';
  target: number;
  hostIp: string;            // '' = every address
  hostPorts: [number, number] | null;  // inclusive range of acceptable host ports; null = random
}

function port(text: string, what: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw new BerthError(`ports: invalid ${what} '${text}'`);
  return Number(text);
}

function range(v: number | string | undefined, what: string): [number, number] | null {
  if (v === undefined || v === null || v === '') return null;
  const s = String(v).trim();
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) throw new BerthError(`ports: invalid ${what} '${s}'`);
  const a = port(m[1]!, what), b = m[2] ? port(m[2], what) : a;
  if (b < a) throw new BerthError(`ports: invalid ${what} range '${s}'`);
  return [a, b];
}

/** Validates and expands bindings (ranges) into one request per container port. Pure. */
export function expandPorts(bindings: PortBinding[]): PortRequest[] {
  const out: PortRequest[] = [];
  for (const b of bindings) {
    const protocol = (b.protocol ?? 'tcp').toLowerCase();
    if (protocol !== 'tcp' && protocol !== 'udp') throw new BerthError(`ports: unsupported protocol '${b.protocol}' (tcp or udp)`);
    const hostIp = (b.host_ip ?? '').replace(/^\[(.*)\]$/, '$1');
    if (hostIp && !ipFamily(hostIp)) throw new BerthError(`ports: invalid host_ip '${b.host_ip}'`);
    if (b.mode && b.mode !== 'host' && b.mode !== 'ingress') throw new BerthError(`ports: invalid mode '${b.mode}'`);
    const t = range(b.target, 'target port');
    if (!t) throw new BerthError('ports: a target port is required');
    const p = range(b.published, 'published port');
    const count = t[1] - t[0] + 1;
    if (count === 1) {
      out.push({ protocol, target: t[0], hostIp, hostPorts: p });
      continue;
    }
    if (p && p[1] - p[0] + 1 !== count) throw new BerthError(`ports: published range ${b.published} and target range ${b.target} differ in length`);
    for (let i = 0; i < count; i++) out.push({ protocol, target: t[0] + i, hostIp, hostPorts: p ? [p[0] + i, p[0] + i] : null });
  }
  return out;
}

function familyOf(ip: string): 4 | 6 { return ip.includes(':') ? 6 : 4; }

/** Two bindings collide when protocol and port match and the addresses overlap. */
export function collides(a: { protocol: string; hostIp: string; hostPort: number }, b: { protocol: string; hostIp: string; hostPort: number }): boolean {
  if (a.protocol !== b.protocol || a.hostPort !== b.hostPort) return false;
  const wild = (ip: string) => ip === '' || ip === '0.0.0.0' || ip === '::';
  if (a.hostIp === '' || b.hostIp === '') return true;
  if (wild(a.hostIp) || wild(b.hostIp)) return familyOf(a.hostIp) === familyOf(b.hostIp);
  return a.hostIp === b.hostIp;
}

/** Tries to bind the host port; resolves to the bound port, or rejects with the errno code. */
export function testBind(protocol: 'tcp' | 'udp', hostIp: string, hostPort: number): Promise<number> {
  const host = hostIp || '0.0.0.0';
  return new Promise((resolve, reject) => {
    if (protocol === 'tcp') {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen({ host, port: hostPort, exclusive: true }, () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    } else {
      const sock = createSocket(familyOf(host) === 6 ? 'udp6' : 'udp4');
      sock.once('error', (e) => { sock.close(); reject(e); });
      sock.bind({ address: host, port: hostPort, exclusive: true }, () => {
        const p = sock.address().port;
        sock.close(() => resolve(p));
      });
    }
  });
}

function describe(r: { protocol: string; hostIp: string }, p: number): string {
  return `${r.hostIp ? (r.hostIp.includes(':') ? `[${r.hostIp}]` : r.hostIp) : '0.0.0.0'}:${p}/${r.protocol}`;
}

/**
 * Chooses host ports for the requests: each must be free of berth's other
 * publications (`taken`), of the others in this call, and bindable on the host.
 * Throws a BerthError naming the first conflict; changes nothing.
 */
export async function assignPorts(reqs: PortRequest[], containerIp: (r: PortRequest) => string, network: string, taken: PublishedPort[]): Promise<PublishedPort[]> {
  const chosen: PublishedPort[] = [];
  const busy = (r: PortRequest, p: number) => [...taken, ...chosen].find((t) => collides({ ...r, hostPort: p }, t));
  for (const r of reqs) {
    let got: number | undefined;
    let lastErr = '';
    if (r.hostPorts === null) {
      for (let tries = 0; tries < 20 && got === undefined; tries++) {
        const p = await testBind(r.protocol, r.hostIp, 0).catch((e: NodeJS.ErrnoException) => { lastErr = e.code ?? String(e); return 0; });
        if (p && !busy(r, p)) got = p;
        if (!p) break;
      }
    } else {
      for (let p = r.hostPorts[0]; p <= r.hostPorts[1] && got === undefined; p++) {
        if (busy(r, p)) { lastErr = 'berth'; continue; }
        try {
          await testBind(r.protocol, r.hostIp, p);
          got = p;
        } catch (e) {
          lastErr = (e as NodeJS.ErrnoException).code ?? String(e);
        }
      }
    }
    if (got === undefined) {
      const where = r.hostPorts ? describe(r, r.hostPorts[0]) + (r.hostPorts[1] !== r.hostPorts[0] ? `-${r.hostPorts[1]}` : '') : describe(r, 0);
      if (lastErr === 'berth') throw new BerthError(`port ${where} is already published by another berth container`);
      if (lastErr === 'EADDRINUSE') throw new BerthError(`port ${where} is already in use on the host`);
      if (lastErr === 'EADDRNOTAVAIL') throw new BerthError(`port ${where}: ${r.hostIp} is not an address of this host`);
      throw new BerthError(`port ${where} cannot be published (${lastErr || 'no free port'})`);
    }
    chosen.push({ protocol: r.protocol, target: r.target, containerIp: containerIp(r), hostIp: r.hostIp, hostPort: got, network });
  }
  return chosen;
}

/** `expose` entries as "80/tcp" strings. */
export function normalizeExpose(expose: Array<number | string> = []): string[] {
  const out: string[] = [];
  for (const e of expose) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp))?$/.exec(String(e).trim());
    if (!m) throw new BerthError(`expose: invalid port '${e}'`);
    const a = port(m[1]!, 'expose port'), b = m[2] ? port(m[2], 'expose port') : a;
    for (let p = a; p <= b; p++) out.push(`${p}/${m[3] ?? 'tcp'}`);
  }
  return out;
}
