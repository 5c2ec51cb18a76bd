// The responder's decision for one question, as a pure function: which
// addresses (scoped to the asking container's networks), or forward upstream.
import type { DnsConfig, DnsEntry, DnsNetwork } from './records.js';

export type Answer =
  | { kind: 'addresses'; addresses: string[] }   // may be empty: the name exists, not this type
  | { kind: 'ptr'; names: string[] }
  | { kind: 'forward' }
  | { kind: 'nxdomain' };

const norm = (n: string): string => n.toLowerCase().replace(/\.$/, '');

/** The networks whose records the asker may see: every network its container is on, the receiving one first. */
export function scopeOf(cfg: DnsConfig, receivedOn: DnsNetwork, src: string): { nets: DnsNetwork[]; asker?: DnsEntry } {
  const asker = receivedOn.entries.find((e) => e.ipv4 === src || e.ipv6 === src);
  if (!asker) return { nets: [receivedOn] };
  const nets = [receivedOn, ...cfg.networks.filter((n) => n !== receivedOn && n.entries.some((e) => e.containerId === asker.containerId))];
  return { nets, asker };
}

function ptrToIp(name: string): string | undefined {
  const v4 = /^((?:\d{1,3}\.){3}\d{1,3})\.in-addr\.arpa$/.exec(name);
  if (v4) return v4[1]!.split('.').reverse().join('.');
  const v6 = /^((?:[0-9a-f]\.){32})ip6\.arpa$/.exec(name);
  if (v6) {
    const nib = v6[1]!.split('.').filter(Boolean).reverse().join('');
    return nib.match(/.{4}/g)!.map((g) => g.replace(/^0+(?=.)/, '')).join(':');
  }
  return undefined;
}

function sameV6(a: string, b: string): boolean {
  const expand = (s: string) => {
    const [h, t] = s.includes('::') ? s.split('::') : [s, undefined];
    const hs = h ? h.split(':') : [], ts = t ? t.split(':') : [];
    const all = t === undefined ? hs : [...hs, ...Array(8 - hs.length - ts.length).fill('0'), ...ts];
    return all.map((g) => parseInt(g || '0', 16)).join(':');
  };
  return expand(a) === expand(b);
}

export function resolve(cfg: DnsConfig, receivedOn: DnsNetwork, src: string, qname: string, qtype: string): Answer {
  const name = norm(qname);
  const { nets, asker } = scopeOf(cfg, receivedOn, src);
  if (qtype === 'PTR') {
    const ip = ptrToIp(name);
    if (ip) {
      for (const n of nets) {
        const e = n.entries.find((x) => x.ipv4 === ip || (x.ipv6 !== undefined && ip.includes(':') && sameV6(x.ipv6, ip)));
        if (e && e.names.length) return { kind: 'ptr', names: [e.names[0]!] };
      }
    }
    return receivedOn.internal ? { kind: 'nxdomain' } : { kind: 'forward' };
  }
  const wanted = asker?.links.find((l) => l.alias === name)?.target ?? name;
  for (const n of nets) {
    const hits = n.entries.filter((e) => e.names.includes(wanted));
    if (!hits.length) continue;
    const addrs = hits.map((e) => (qtype === 'AAAA' ? e.ipv6 : qtype === 'A' ? e.ipv4 : undefined)).filter((a): a is string => !!a);
    return { kind: 'addresses', addresses: addrs };
  }
  return receivedOn.internal ? { kind: 'nxdomain' } : { kind: 'forward' };
}

/** Rotates a list by a counter (round-robin over replicas). */
export function rotate<T>(xs: T[], counter: number): T[] {
  if (xs.length < 2) return xs;
  const k = counter % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}
