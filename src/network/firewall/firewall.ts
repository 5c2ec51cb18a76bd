// The firewall behind an interface (netavark style), so drivers never build
// rules themselves. The nftables implementation keeps everything in one table,
// plus accept rules for each bridge in other tools' iptables-nft chains when
// they exist (host-chains.ts), so that their DROP policies let berth's traffic by.
import type { NetworkRecord, PublishedPort } from '../types.js';
import { nftBatch, nftList, nftListTable, type NftListing } from './nft.js';
import { hostAccepts, hostChains, hostDeletes, hostTag } from './host-chains.js';
import { Rules, deletesByTag, epTag, netTag, taggedRuleCount, type NftCmd } from './rules.js';
import { currentGeneration, firewallCheck } from './checked.js';

export interface Firewall {
  /** `fresh`: a network just created (a new id), so none of its rules can exist yet. */
  setupNetwork(n: NetworkRecord, opts?: { fresh?: boolean }): Promise<void>;
  /** Removes the network's rules; returns errors instead of stopping at the first. */
  teardownNetwork(n: NetworkRecord): Promise<Error[]>;
  /**
   * Puts back what is missing of the networks' rules (a firewall reload or another tool flushed
   * its chains, a dockerd started since): one listing, and one batch only when something is missing.
   * Returns the networks repaired.
   */
  repairNetworks(ns: NetworkRecord[]): Promise<NetworkRecord[]>;
  publish(containerId: string, ports: PublishedPort[]): Promise<void>;
  unpublish(containerId: string): Promise<void>;
}


function hasElement(listing: NftListing, table: string, elem: string): boolean {
  for (const i of listing.nftables ?? []) {
    const s = i.set as { table?: string; name?: string; elem?: unknown[] } | undefined;
    if (s && s.table === table && s.name === 'bridges') return (s.elem ?? []).includes(elem);
  }
  return false;
}

// The host's chains (other tools' and ours) and our table's rules, listed at most once per second
// per process: a command creating several networks lists once, and the listings can start before
// the bridge is made.
let listed: { at: number; table: string; listings: Promise<[NftListing, NftListing | undefined]> } | undefined;

/** Starts listing the host's chains and `table` (if not listed within the last second); setupNetwork awaits them. */
export function prefetchFirewallListings(table: string): void {
  if (listed && listed.table === table && Date.now() - listed.at < 1000) return;
  const listings = Promise.all([nftList(['chains']), nftListTable(table)]);
  listings.catch(() => undefined);  // awaited (and reported) by setupNetwork
  listed = { at: Date.now(), table, listings };
}

function listingsNow(table: string): Promise<[NftListing, NftListing | undefined]> {
  prefetchFirewallListings(table);
  return listed!.listings;
}

/** The chains of `table` in a listing. */
function tableChains(listing: NftListing, table: string): Set<string> {
  const out = new Set<string>();
  for (const i of listing.nftables ?? []) {
    const c = i.chain as { family?: string; table?: string; name?: string } | undefined;
    if (c?.family === 'inet' && c.table === table && c.name) out.add(c.name);
  }
  return out;
}

function hasTable(listing: NftListing, table: string): boolean {
  return (listing.nftables ?? []).some((i) => {
    const t = i.table as { family?: string; name?: string } | undefined;
    return t?.family === 'inet' && t.name === table;
  });
}

export class NftFirewall implements Firewall {
  private readonly rules: Rules;
  /**
   * table: the nftables table berth owns (BERTH_NFT_TABLE); checkDir: where
   * the firewall check's record is (the network store), which each of our
   * transactions moves along (checked.ts).
   */
  constructor(readonly table: string, private readonly checkDir?: string) {
    this.rules = new Rules(table);
  }

  /** One transaction; `change` says which networks' rules it leaves in place or removes. */
  private async commit(cmds: NftCmd[], change: { intact?: string[]; gone?: string[] } = {}): Promise<void> {
    if (cmds.length === 0) return;
    const before = this.checkDir ? currentGeneration() : undefined;
    await nftBatch(cmds);
    if (before !== undefined) firewallCheck(this.checkDir!, this.table).committed(before, change);
  }

  private async current(): Promise<{ listing: NftListing; base: NftCmd[] }> {
    const listing = await nftListTable(this.table);
    return listing ? { listing, base: [] } : { listing: {}, base: this.rules.tableSkeleton() };
  }

  async setupNetwork(n: NetworkRecord, opts: { fresh?: boolean } = {}): Promise<void> {
    if (opts.fresh) {
      // A new network has no rules to replace: which chains exist (listings started early by
      // prefetchFirewallListings and shared by the networks of one command), then the skeleton, its
      // rules and its accepts in one transaction. The skeleton leaves out what the listings show
      // in place (see tableSkeleton). Should some of it have gone since (another berth removed
      // the last network, and the table with it), the transaction fails as a whole and runs
      // again with the whole skeleton.
      const [chains, ours] = await listingsNow(this.table);
      const batch = (inPlace?: { chains: Set<string>; baseRules: boolean }) =>
        [...this.rules.tableSkeleton(inPlace), ...this.rules.network(n), ...hostAccepts(this.table, n, hostChains(chains))];
      const inPlace = { chains: tableChains(chains, this.table), baseRules: !!ours && this.rules.baseRulesInPlace(ours) };
      try {
        return await this.commit(batch(inPlace), { intact: [n.id] });
      } catch (e) {
        if (inPlace.chains.size === 0) throw e;
        return this.commit(batch(), { intact: [n.id] });
      }
    }    // Replacing the network's rules keeps a repeated setup (crash repair, a dockerd started since) exact.
    const listing = await nftList(['ruleset']);
    const ours = hasTable(listing, this.table);
    const ids = new Set([n.id]);
    await this.commit([
      ...(ours ? [] : this.rules.tableSkeleton()),
      ...deletesByTag(listing, this.table, new Set([netTag(n.id)])), ...hostDeletes(listing, this.table, ids),
      ...this.rules.network(n), ...hostAccepts(this.table, n, hostChains(listing)),
    ], { intact: [n.id] });
  }

  async teardownNetwork(n: NetworkRecord): Promise<Error[]> {
    try {
      const listing = await nftList(['ruleset']);
      const cmds = hostDeletes(listing, this.table, new Set([n.id]));
      if (hasTable(listing, this.table)) {
        const dels = deletesByTag(listing, this.table, new Set([netTag(n.id)]));
        cmds.push(...dels);
        if (hasElement(listing, this.table, n.bridge)) cmds.push(this.rules.networkElementDelete(n));
        // The last berth rule gone → the table goes too, leaving the ruleset as found.
        if (taggedRuleCount(listing, this.table) === dels.length) cmds.push({ delete: { table: { family: 'inet', name: this.table } } });
      }
      await this.commit(cmds, { gone: [n.id] });
      return [];
    } catch (e) {
      return [e as Error];
    }
  }

  async repairNetworks(ns: NetworkRecord[]): Promise<NetworkRecord[]> {
    if (ns.length === 0) return [];
    const listing = await nftList(['ruleset']);
    const present = hostChains(listing);
    const comments = new Map<string, number>();
    for (const i of listing.nftables ?? []) {
      const c = (i.rule as { comment?: string } | undefined)?.comment;
      if (c) comments.set(c, (comments.get(c) ?? 0) + 1);
    }
    const broken = ns.filter((n) => !comments.get(netTag(n.id)) || (comments.get(hostTag(this.table, n.id)) ?? 0) !== hostAccepts(this.table, n, present).length);
    if (broken.length === 0) return [];
    const ids = new Set(broken.map((n) => n.id));
    await this.commit([
      ...(hasTable(listing, this.table) ? [] : this.rules.tableSkeleton()),
      ...deletesByTag(listing, this.table, new Set(broken.map((n) => netTag(n.id)))), ...hostDeletes(listing, this.table, ids),
      ...broken.flatMap((n) => [...this.rules.network(n), ...hostAccepts(this.table, n, present)]),
    ], { intact: broken.map((n) => n.id) });
    return broken;
  }

  async publish(containerId: string, ports: PublishedPort[]): Promise<void> {
    const { listing, base } = await this.current();
    await this.commit([...base, ...deletesByTag(listing, this.table, new Set([epTag(containerId)])), ...this.rules.ports(containerId, ports)]);
  }

  async unpublish(containerId: string): Promise<void> {
    const listing = await nftListTable(this.table);
    if (!listing) return;
    await this.commit(deletesByTag(listing, this.table, new Set([epTag(containerId)])));
  }
}
