// nftables JSON for berth's table, built as data (no I/O) so it can be tested.
//
// One table `inet <name>` (BERTH_NFT_TABLE, default "berth") holds:
//   set   bridges      ifnames of every berth bridge (isolation)
//   chain prerouting   nat, dstnat:  jump dns; 127.0.0.0/8 from outside → return (never DNATed);
//                      fib daddr type local → jump ports
//   chain dns          regular: gateway:53 from its bridge → accept (berth DNS, never DNATed; tag net:<id>)
//   chain output       nat, dstnat:  fib daddr type local → jump ports (host-originated, 127.0.0.1)
//   chain ports        regular: one DNAT rule per published port (tag ep:<hash>)
//   chain postrouting  nat, srcnat:  outbound masquerade, 127.0.0.1 and hairpin masquerade (tag net:<id>)
//   chain forward      filter: isolation between berth bridges, internal networks, nothing from
//                      outside to a container unless DNATed or to a published port (tag net:<id>)
//   chain published    regular: container ip:port of ports published on every address, reachable
//                      when routed directly, as with Docker 28 (tag ep:<hash>)
//   chain input        filter: 127.0.0.0/8 arriving on an interface other than lo and not DNATed
//                      → drop (bridges have route_localnet=1 for 127.0.0.1-published ports)
// Every rule carries a comment tag so a network's or an endpoint's rules are
// deleted exactly, by handle, in one atomic batch. The base chains hold only
// the untagged 'base' rules, so the skeleton can be sent again at any time
// (add is idempotent, the base chains are flushed and refilled in the same
// transaction): a new network needs no listing first, one nft call.
import type { NetworkRecord, PublishedPort } from '../types.js';
import { parseCidr, formatIp } from '../ipam/cidr.js';
import { sha256Hex } from '../../hashing.js';

export type NftCmd = Record<string, unknown>;
type Expr = Record<string, unknown>;

export const netTag = (networkId: string): string => `net:${networkId}`;
export const epTag = (containerId: string): string => `ep:${sha256Hex(containerId).slice(0, 40)}`;

const match = (left: unknown, right: unknown, op = '=='): Expr => ({ match: { op, left, right } });
const meta = (key: string): Expr => ({ meta: { key } });
const payload = (protocol: string, field: string): Expr => ({ payload: { protocol, field } });
const prefix = (cidr: string): Expr => {
  const c = parseCidr(cidr);
  return { prefix: { addr: formatIp(c.family, c.base), len: c.prefix } };
};
const fam = (f: 4 | 6): string => (f === 4 ? 'ip' : 'ip6');
const localDst = match({ fib: { result: 'type', flags: ['daddr'] } }, 'local');
const notDnat = match({ '&': [{ ct: { key: 'status' } }, 'dnat'] }, 0);
const notReply = match({ '&': [{ ct: { key: 'state' } }, ['established', 'related']] }, 0);
const loopback4 = match(payload('ip', 'daddr'), prefix('127.0.0.0/8'));
const notFromLo = match(meta('iifname'), 'lo', '!=');

/** The chains whose only rules are the base rules (flushed and filled again together). */
const BASE_CHAINS = ['prerouting', 'output', 'input'];
const onEveryAddress = (ip: string): boolean => !ip || ip === '0.0.0.0' || ip === '::';

export class Rules {
  constructor(readonly table: string) {}

  private rule(chain: string, comment: string, expr: Expr[]): NftCmd {
    return { add: { rule: { family: 'inet', table: this.table, chain, comment, expr } } };
  }

  /**
   * The table, its chains and the base rules. Idempotent: whether the
   * table exists or not, it leaves the same skeleton and keeps every tagged
   * rule (those live in ports, published, dns, postrouting and forward).
   * `inPlace` (from a listing) leaves out what already is there: chains by
   * name, and the base rules when they are all there. The kernel makes a
   * transaction that adds an existing chain again, or deletes rules of a base
   * chain, wait for an RCU grace period (8-16 ms here, where the rest of a
   * network's rules take ~2 ms).
   */
  tableSkeleton(inPlace: { chains: Set<string>; baseRules: boolean } = { chains: new Set(), baseRules: false }): NftCmd[] {
    const t = { family: 'inet', table: this.table };
    const base = (name: string, type: string, hook: string, prio: number) =>
      ({ add: { chain: { ...t, name, type, hook, prio, policy: 'accept' } } });
    const chains = [
      base('prerouting', 'nat', 'prerouting', -100),
      base('output', 'nat', 'output', -100),
      base('postrouting', 'nat', 'postrouting', 100),
      base('forward', 'filter', 'forward', 0),
      base('input', 'filter', 'input', 0),
      { add: { chain: { ...t, name: 'ports' } } },
      { add: { chain: { ...t, name: 'published' } } },
      { add: { chain: { ...t, name: 'dns' } } },
    ];
    return [
      { add: { table: { family: 'inet', name: this.table } } },
      { add: { set: { ...t, name: 'bridges', type: 'ifname' } } },
      ...chains.filter((c) => !inPlace.chains.has(c.add.chain.name)),
      ...(inPlace.baseRules ? [] : [
        ...BASE_CHAINS.map((name) => ({ flush: { chain: { ...t, name } } })),
        ...this.baseRules(),
      ]),
    ];
  }

  /** The untagged rules of prerouting, output and input (comment 'base'). */
  private baseRules(): NftCmd[] {
    return [
      this.rule('prerouting', 'base', [{ jump: { target: 'dns' } }]),
      // A neighbour routing 127.0.0.1 to this host never reaches a port published on loopback.
      this.rule('prerouting', 'base', [notFromLo, loopback4, { return: null }]),
      this.rule('prerouting', 'base', [localDst, { jump: { target: 'ports' } }]),
      this.rule('output', 'base', [localDst, { jump: { target: 'ports' } }]),
      // route_localnet=1 on the bridges would otherwise let a container reach the host's
      // 127.0.0.1 services (CVE-2020-8558); replies of DNATed connections carry ct status dnat.
      this.rule('input', 'base', [notFromLo, loopback4, notDnat, { drop: null }]),
    ];
  }

  /**
   * Whether a listing of the table holds the base rules: as many per chain,
   * each with the 'base' comment, and nothing else in their chains (which
   * only ever hold those). Counted, not compared: nft lists expressions in
   * its own forms.
   */
  baseRulesInPlace(listing: { nftables?: Array<Record<string, unknown>> }): boolean {
    const want = this.baseRules().map((c) => (c as { add: { rule: { chain: string } } }).add.rule.chain);
    const have = (listing.nftables ?? []).map((i) => i.rule as { table?: string; chain?: string; comment?: string } | undefined)
      .filter((r): r is { chain: string; comment?: string } => !!r && r.table === this.table && BASE_CHAINS.includes(r.chain ?? ''));
    return have.every((r) => r.comment === 'base')
      && BASE_CHAINS.every((chain) => have.filter((r) => r.chain === chain).length === want.filter((c) => c === chain).length);
  }

  /** Masquerade and isolation for one network. */
  network(n: NetworkRecord): NftCmd[] {
    const tag = netTag(n.id);
    const br = n.bridge;
    const oif = meta('oifname'), iif = meta('iifname');
    const out: NftCmd[] = [
      { add: { element: { family: 'inet', table: this.table, name: 'bridges', elem: [br] } } },
      // Published ports reached from 127.0.0.1: the source must become the gateway.
      this.rule('postrouting', tag, [match(oif, br), match(payload('ip', 'saddr'), prefix('127.0.0.0/8')), { masquerade: null }]),
    ];
    for (const s of n.subnets) {
      // Queries to berth's DNS on the gateway are never taken by a container
      // publishing port 53 (accept ends prerouting before its jump to ports).
      out.push(this.rule('dns', tag, [
        match(iif, br), match(payload(fam(s.family), 'daddr'), s.gateway),
        match(meta('l4proto'), { set: ['tcp', 'udp'] }), match(payload('th', 'dport'), 53), { accept: null },
      ]));
      // Hairpin: a container reaching a published port (of itself or a neighbour) via a host address.
      out.push(this.rule('postrouting', tag, [match(oif, br), match(payload(fam(s.family), 'saddr'), prefix(s.subnet)),
        match({ ct: { key: 'status' } }, 'dnat', 'in'), { masquerade: null }]));
      if (!n.internal) {
        out.push(this.rule('postrouting', tag, [match(payload(fam(s.family), 'saddr'), prefix(s.subnet)), match(oif, br, '!='), { masquerade: null }]));
      }
    }
    // Isolation: nothing from this bridge to another berth bridge, except published-port traffic.
    out.push(this.rule('forward', tag, [match(iif, br), match(oif, '@bridges'), match(oif, br, '!='), notDnat, { drop: null }]));
    if (n.internal) {
      out.push(this.rule('forward', tag, [match(iif, br), match(oif, br, '!='), { drop: null }]));
      out.push(this.rule('forward', tag, [match(oif, br), match(iif, br, '!='), { drop: null }]));
    } else {
      // From outside berth's bridges (traffic between them is isolated above), a new connection
      // reaches a container only through a DNATed published port, or routed straight to the
      // container address and port of one published on every address (the published chain accepts).
      const inbound = [match(oif, br), match(iif, '@bridges', '!='), notReply, notDnat];
      out.push(this.rule('forward', tag, [...inbound, { jump: { target: 'published' } }]));
      out.push(this.rule('forward', tag, [...inbound, { drop: null }]));
    }
    return out;
  }

  /** Removes the bridge from the isolation set (rules go by tag). */
  networkElementDelete(n: NetworkRecord): NftCmd {
    return { delete: { element: { family: 'inet', table: this.table, name: 'bridges', elem: [n.bridge] } } };
  }

  /**
   * One DNAT rule per published port, per address family it applies to; for a port
   * published on every address, an accept of its container address and port routed
   * straight from outside. A port on a loopback address answers the host alone: the
   * prerouting chain never sends outside traffic to 127.0.0.0/8 here.
   */
  ports(containerId: string, ports: PublishedPort[]): NftCmd[] {
    const tag = epTag(containerId);
    const out: NftCmd[] = [];
    for (const p of ports) {
      const family: 4 | 6 = p.containerIp.includes(':') ? 6 : 4;
      const nfproto = match(meta('nfproto'), family === 4 ? 'ipv4' : 'ipv6');
      const expr: Expr[] = [nfproto];
      if (!onEveryAddress(p.hostIp)) expr.push(match(payload(fam(family), 'daddr'), p.hostIp));
      expr.push(match(payload(p.protocol, 'dport'), p.hostPort));
      expr.push({ dnat: { family: fam(family), addr: p.containerIp, port: p.target } });
      out.push(this.rule('ports', tag, expr));
      if (onEveryAddress(p.hostIp)) {
        out.push(this.rule('published', tag, [nfproto, match(payload(fam(family), 'daddr'), p.containerIp),
          match(payload(p.protocol, 'dport'), p.target), { accept: null }]));
      }
    }
    return out;
  }
}

interface ListedRule { family: string; table: string; chain: string; handle: number; comment?: string }

/** Delete commands for every rule of `table` whose comment is one of `tags` (from `nft -j list table`). */
export function deletesByTag(listing: { nftables?: Array<Record<string, unknown>> }, table: string, tags: Set<string>): NftCmd[] {
  const out: NftCmd[] = [];
  for (const item of listing.nftables ?? []) {
    const r = item.rule as ListedRule | undefined;
    if (!r || r.table !== table || !r.comment || !tags.has(r.comment)) continue;
    out.push({ delete: { rule: { family: r.family, table: r.table, chain: r.chain, handle: r.handle } } });
  }
  return out;
}

/** Counts rules carrying a net:/ep: tag (the table is removed when none is left). */
export function taggedRuleCount(listing: { nftables?: Array<Record<string, unknown>> }, table: string): number {
  return (listing.nftables ?? []).filter((i) => {
    const r = i.rule as ListedRule | undefined;
    return r && r.table === table && r.comment && r.comment !== 'base';
  }).length;
}
