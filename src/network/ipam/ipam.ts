// IPAM: choosing subnets (explicit ipam.config or automatic from pools that
// skip host routes and other berth networks) and leasing addresses in them.
// Pure functions over data; the caller holds the store lock and persists.
import { BerthError } from '../../errors.js';
import type { IpamConfig, NetworkSpec, SubnetRecord } from '../types.js';
import type { Leases } from '../store.js';
import type { HostPrefix } from '../host-prefixes.js';
import { type Cidr, contains, formatCidr, nth, overlaps, parseCidr, parseIp, size, subnetsOf, formatIp } from './cidr.js';
import type { BerthConfig } from '../../config.js';

export interface Pool { base: Cidr; size: number }

/** Docker's defaults: 172.17-31.x /16 then 192.168.x /20; IPv6 from a berth ULA /48 in /64s. */
const DEFAULT_POOLS = '172.17.0.0/16:16,172.18.0.0/15:16,172.20.0.0/14:16,172.24.0.0/14:16,172.28.0.0/14:16,192.168.0.0/16:20';
const DEFAULT_POOLS6 = 'fd6b:6572:7468::/48:64';

/** Parses "base/len:size,..." (BERTH_DEFAULT_POOLS / BERTH_DEFAULT_POOLS6). */
export function parsePools(text: string): Pool[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((item) => {
    const i = item.lastIndexOf(':');
    const sz = Number(item.slice(i + 1));
    let base: Cidr;
    try { base = parseCidr(item.slice(0, i)); } catch { throw new BerthError(`invalid address pool '${item}' (want base/len:size)`); }
    const max = base.family === 4 ? 32 : 128;
    if (i < 0 || !Number.isInteger(sz) || sz < base.prefix || sz > max - 2) throw new BerthError(`invalid address pool '${item}' (want base/len:size)`);
    return { base, size: sz };
  });
}

/** The pools automatic subnets are cut from: BERTH_DEFAULT_POOLS / BERTH_DEFAULT_POOLS6, else the defaults above. */
export function configuredPools(cfg: Pick<BerthConfig, 'defaultPools' | 'defaultPools6'>): { v4: Pool[]; v6: Pool[] } {
  return { v4: parsePools(cfg.defaultPools ?? DEFAULT_POOLS), v6: parsePools(cfg.defaultPools6 ?? DEFAULT_POOLS6) };
}

function cidrOrThrow(text: string, where: string): Cidr {
  try { return parseCidr(text); } catch { throw new BerthError(`${where}: invalid subnet '${text}'`); }
}

function ipOrThrow(text: string, where: string): { family: 4 | 6; value: bigint } {
  const ip = parseIp(text);
  if (!ip) throw new BerthError(`${where}: invalid IP address '${text}'`);
  return ip;
}

function explicitSubnet(c: IpamConfig, netName: string, taken: Cidr[], routed: Array<{ cidr: Cidr; where: string }>): SubnetRecord {
  const where = `network ${netName}`;
  const sub = cidrOrThrow(c.subnet!, where);
  const max = sub.family === 4 ? 32 : 128;
  if (sub.prefix > max - 2) throw new BerthError(`${where}: subnet ${c.subnet} is too small`);
  const clash = taken.find((t) => overlaps(t, sub));
  if (clash) throw new BerthError(`${where}: subnet ${formatCidr(sub)} overlaps ${formatCidr(clash)} of another berth network`);
  // Two routes to one prefix: traffic of one of the two would go astray (checked before anything is created).
  const used = routed.find((r) => overlaps(r.cidr, sub));
  if (used) throw new BerthError(`${where}: subnet ${formatCidr(sub)} overlaps ${used.where} on the host`);
  const rec: SubnetRecord = { family: sub.family, subnet: formatCidr(sub), gateway: nth(sub, 1n) };
  if (c.gateway) {
    const g = ipOrThrow(c.gateway, where);
    if (!contains(sub, g.family, g.value)) throw new BerthError(`${where}: gateway ${c.gateway} is outside subnet ${rec.subnet}`);
    rec.gateway = formatIp(g.family, g.value);
  }
  if (c.ip_range) {
    const r = cidrOrThrow(c.ip_range, where);
    if (r.family !== sub.family || r.prefix < sub.prefix || !contains(sub, r.family, r.base)) {
      throw new BerthError(`${where}: ip_range ${c.ip_range} is outside subnet ${rec.subnet}`);
    }
    rec.ipRange = formatCidr(r);
  }
  if (c.aux_addresses && Object.keys(c.aux_addresses).length) {
    rec.auxAddresses = {};
    for (const [k, v] of Object.entries(c.aux_addresses)) {
      const a = ipOrThrow(v, where);
      if (!contains(sub, a.family, a.value)) throw new BerthError(`${where}: aux address ${k}=${v} is outside subnet ${rec.subnet}`);
      rec.auxAddresses[k] = formatIp(a.family, a.value);
    }
  }
  return rec;
}

function autoSubnet(pools: Pool[], family: 4 | 6, taken: Cidr[], netName: string): SubnetRecord {
  for (const p of pools.filter((q) => q.base.family === family)) {
    for (const cand of subnetsOf(p.base, p.size)) {
      if (!taken.some((t) => overlaps(t, cand))) return { family, subnet: formatCidr(cand), gateway: nth(cand, 1n) };
    }
  }
  throw new BerthError(`network ${netName}: no free IPv${family} subnet left in the default address pools`);
}

/**
 * Chooses the subnets of a new network. `berthSubnets` are those of existing
 * berth networks, `hostRoutes` the prefixes routed or addressed on the host
 * (a bare CIDR or one with a description): automatic subnets skip both, an
 * explicit subnet that overlaps one is an error naming it.
 */
export function chooseSubnets(spec: NetworkSpec, berthSubnets: string[], hostRoutes: Array<string | HostPrefix>, pools: { v4: Pool[]; v6: Pool[] }): SubnetRecord[] {
  const taken = berthSubnets.map((s) => parseCidr(s));
  const hostUse = hostRoutes.map((h) => (typeof h === 'string' ? { cidr: parseCidr(h), where: `route ${h}` } : { cidr: parseCidr(h.cidr), where: h.where }));
  const routed = hostUse.map((h) => h.cidr);
  const out: SubnetRecord[] = [];
  for (const c of spec.ipam?.config ?? []) {
    if (!c.subnet) {
      if (c.gateway || c.ip_range) throw new BerthError(`network ${spec.name}: ipam config with gateway or ip_range needs a subnet`);
      continue;
    }
    const rec = explicitSubnet(c, spec.name, [...taken, ...out.map((o) => parseCidr(o.subnet))], hostUse);
    if (rec.family === 6 && !spec.enable_ipv6) throw new BerthError(`network ${spec.name}: IPv6 subnet ${rec.subnet} needs enable_ipv6: true`);
    out.push(rec);
  }
  const all = () => [...taken, ...routed, ...out.map((o) => parseCidr(o.subnet))];
  if (!out.some((s) => s.family === 4)) out.unshift(autoSubnet(pools.v4, 4, all(), spec.name));
  if (spec.enable_ipv6 && !out.some((s) => s.family === 6)) out.push(autoSubnet(pools.v6, 6, all(), spec.name));
  return out;
}

/** Addresses that are never leased: network, broadcast, gateway, aux. */
function reserved(s: SubnetRecord): Set<string> {
  const c = parseCidr(s.subnet);
  const r = new Set<string>([nth(c, 0n), s.gateway, ...Object.values(s.auxAddresses ?? {})]);
  if (c.family === 4) r.add(nth(c, size(c) - 1n));
  return r;
}

/**
 * Leases an address of subnet `s` to `owner` (the requested one, or the
 * lowest free in ip_range/subnet). Mutates `leases`; returns the address.
 */
export function lease(s: SubnetRecord, leases: Leases, owner: string, requested: string | undefined, netName: string, preferred: string[] = []): string {
  const sub = parseCidr(s.subnet);
  const res = reserved(s);
  if (!requested) {
    // An address this owner held before (kept across a crash), when still free.
    const again = preferred.find((p) => { const ip = parseIp(p); return ip && contains(sub, ip.family, ip.value) && !res.has(p) && !leases[p]; });
    if (again) { leases[again] = owner; return again; }
  }
  if (requested) {
    const ip = parseIp(requested);
    if (!ip || !contains(sub, ip.family, ip.value)) throw new BerthError(`network ${netName}: address ${requested} is not in subnet ${s.subnet}`);
    const text = formatIp(ip.family, ip.value);
    if (res.has(text)) throw new BerthError(`network ${netName}: address ${requested} is reserved (network, broadcast, gateway or aux address)`);
    const holder = leases[text];
    if (holder && holder !== owner) throw new BerthError(`network ${netName}: address ${requested} is already in use`);
    leases[text] = owner;
    return text;
  }
  const range = s.ipRange ? parseCidr(s.ipRange) : sub;
  const n = size(range);
  const limit = n < 1n << 20n ? n : 1n << 20n;  // v6 /64: stop scanning after a million
  for (let i = 0n; i < limit; i++) {
    const text = nth(range, i);
    if (res.has(text) || leases[text]) continue;
    leases[text] = owner;
    return text;
  }
  throw new BerthError(`network ${netName}: no free address left in ${s.ipRange ?? s.subnet}`);
}

/** Drops every lease held by `owner`; returns the addresses released. */
export function releaseOwner(leases: Leases, owner: string): string[] {
  const out: string[] = [];
  for (const [ip, o] of Object.entries(leases)) if (o === owner) { delete leases[ip]; out.push(ip); }
  return out;
}
