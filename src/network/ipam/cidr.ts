// IPv4/IPv6 addresses and prefixes as bigints: parse, format, contain,
// overlap, and the n-th address of a subnet. Pure; no I/O.
import { isIP } from 'node:net';

export interface Cidr { family: 4 | 6; base: bigint; prefix: number }

const bits = (f: 4 | 6): number => (f === 4 ? 32 : 128);

const V4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * Dotted-quad IPv4 (no leading zeros) or IPv6 in hex groups (one "::" at
 * most; embedded dotted or zoned forms are not network addresses here).
 * Written out rather than node:net's isIPv6, whose large regular expression
 * costs ~5 ms to compile on the first call of every CLI run.
 */
export function parseIp(text: string): { family: 4 | 6; value: bigint } | undefined {
  if (V4.test(text)) {
    const v = text.split('.').reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
    return { family: 4, value: v };
  }
  if (text.length > 39 || !/^[0-9A-Fa-f:]+$/.test(text)) return undefined;
  const dbl = text.indexOf('::');
  if (dbl !== text.lastIndexOf('::')) return undefined;
  const head = dbl < 0 ? text : text.slice(0, dbl);
  const tail = dbl < 0 ? undefined : text.slice(dbl + 2);
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  if ([...h, ...t].some((g) => g.length < 1 || g.length > 4)) return undefined;
  if (tail === undefined ? h.length !== 8 : h.length + t.length > 7) return undefined;
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return { family: 6, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

/**
 * node:net's isIP (4, 6, or 0 for no address) without loading node:net
 * (~8 ms; the bundle loads it on first use) for the plain forms parseIp
 * reads; other spellings (a zone, an embedded IPv4) and non-addresses are
 * left to isIP.
 */
export function ipFamily(text: string): 0 | 4 | 6 {
  return parseIp(text)?.family ?? (isIP(text) as 0 | 4 | 6);
}

export function formatIp(family: 4 | 6, v: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // Longest run of zero groups (≥2) becomes "::" (RFC 5952).
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function mask(family: 4 | 6, prefix: number): bigint {
  const b = bits(family);
  return ((1n << BigInt(b)) - 1n) ^ ((1n << BigInt(b - prefix)) - 1n);
}

/** Parses "10.1.0.0/16"; the base is masked. Throws Error on bad input (callers wrap it). */
export function parseCidr(text: string): Cidr {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  const ip = m ? parseIp(m[1]!) : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  if (!ip || !(prefix >= 0 && prefix <= bits(ip.family))) throw new Error(`invalid subnet '${text}'`);
  return { family: ip.family, base: ip.value & mask(ip.family, prefix), prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.family, c.base)}/${c.prefix}`;
}

export function size(c: Cidr): bigint {
  return 1n << BigInt(bits(c.family) - c.prefix);
}

export function contains(c: Cidr, family: 4 | 6, v: bigint): boolean {
  return family === c.family && (v & mask(c.family, c.prefix)) === c.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const p = Math.min(a.prefix, b.prefix);
  const m = mask(a.family, p);
  return (a.base & m) === (b.base & m);
}

/** The n-th address of the subnet (0 = the network address). */
export function nth(c: Cidr, n: bigint): string {
  return formatIp(c.family, c.base + n);
}

/** Splits `pool` into consecutive subnets of `prefix` bits, lazily. */
export function* subnetsOf(pool: Cidr, prefix: number): Generator<Cidr> {
  if (prefix < pool.prefix) return;
  const step = 1n << BigInt(bits(pool.family) - prefix);
  const end = pool.base + size(pool);
  for (let b = pool.base; b < end; b += step) yield { family: pool.family, base: b, prefix };
}
