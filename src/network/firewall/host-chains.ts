// Accept rules for berth's bridges in the chains of other tools that filter
// forwarded traffic: iptables-nft's `ip filter FORWARD`/`INPUT` (and ip6), the
// chains dockerd, podman's iptables driver, kube-proxy and plain iptables
// rules live in. Every base chain at a hook sees the packet and a drop in any
// of them is final, so an accept in berth's own table cannot override
// dockerd's FORWARD policy DROP: the accept must be in that very chain, ahead
// of its policy (inserted at the top, as Docker inserts its DOCKER-USER jump).
// With br_netfilter (bridge-nf-call-iptables=1) frames bridged between two
// containers of one network traverse FORWARD too, in and out of the bridge.
//
// The rules use only expressions iptables-nft reads back (`iptables -S` shows
// `-i br-x -m comment --comment "berth <table> net:<id>" -j ACCEPT`), carry
// the tag `berth <table> net:<id>` so that berth deletes exactly its own, by
// handle, and never touch a chain's policy or another rule. Berth's own table
// still does all of its filtering (isolation, inbound drop) after them.
import type { NetworkRecord } from '../types.js';
import type { NftCmd } from './rules.js';

type Family = 'ip' | 'ip6';
interface ListedChain { family: string; table: string; name: string; hook?: string }
interface ListedRule { family: string; table: string; chain: string; handle: number; comment?: string }
export type NftItems = { nftables?: Array<Record<string, unknown>> };

/** The iptables-nft table whose FORWARD and INPUT base chains other tools' DROP policies live in. */
const HOST_TABLE = 'filter';

/** The tag on berth's rules in other tools' chains: the table name keeps two berth roots apart. */
export const hostTag = (table: string, networkId: string): string => `berth ${table} net:${networkId}`;

/** `ip filter FORWARD`, `ip6 filter INPUT`, ... that exist in a `nft -j list chains` listing. */
export function hostChains(listing: NftItems): Set<string> {
  const out = new Set<string>();
  for (const item of listing.nftables ?? []) {
    const c = item.chain as ListedChain | undefined;
    if (!c || c.table !== HOST_TABLE || (c.family !== 'ip' && c.family !== 'ip6')) continue;
    if ((c.name === 'FORWARD' && c.hook === 'forward') || (c.name === 'INPUT' && c.hook === 'input')) out.add(`${c.family} ${c.name}`);
  }
  return out;
}

const iifname = (br: string) => ({ match: { op: '==', left: { meta: { key: 'iifname' } }, right: br } });
const oifname = (br: string) => ({ match: { op: '==', left: { meta: { key: 'oifname' } }, right: br } });
const dport = (proto: 'udp' | 'tcp', p: number) => ({ match: { op: '==', left: { payload: { protocol: proto, field: 'dport' } }, right: p } });

/**
 * Insert commands for the network's accept rules in the chains of `present`
 * (from hostChains): FORWARD from and to its bridge (outbound, published ports,
 * replies, and bridged container-to-container frames), INPUT for berth's DNS
 * responder on the gateway (UDP and TCP port 53).
 */
export function hostAccepts(table: string, n: NetworkRecord, present: Set<string>): NftCmd[] {
  const comment = hostTag(table, n.id);
  const families = new Set<Family>(['ip', ...(n.subnets.some((s) => s.family === 6) ? ['ip6' as const] : [])]);
  const out: NftCmd[] = [];
  const insert = (family: Family, chain: string, expr: unknown[]) =>
    out.push({ insert: { rule: { family, table: HOST_TABLE, chain, comment, expr: [...expr, { accept: null }] } } });
  for (const f of families) {
    if (present.has(`${f} FORWARD`)) {
      insert(f, 'FORWARD', [oifname(n.bridge)]);
      insert(f, 'FORWARD', [iifname(n.bridge)]);
    }
    if (present.has(`${f} INPUT`)) {
      insert(f, 'INPUT', [iifname(n.bridge), dport('tcp', 53)]);
      insert(f, 'INPUT', [iifname(n.bridge), dport('udp', 53)]);
    }
  }
  return out;
}

/** Delete commands, by handle, for the rules tagged for this network in the host table (from a ruleset listing). */
export function hostDeletes(listing: NftItems, table: string, networkIds: Set<string>): NftCmd[] {
  const tags = new Set([...networkIds].map((id) => hostTag(table, id)));
  const out: NftCmd[] = [];
  for (const item of listing.nftables ?? []) {
    const r = item.rule as ListedRule | undefined;
    if (!r || r.table !== HOST_TABLE || (r.family !== 'ip' && r.family !== 'ip6') || !r.comment || !tags.has(r.comment)) continue;
    out.push({ delete: { rule: { family: r.family, table: r.table, chain: r.chain, handle: r.handle } } });
  }
  return out;
}
