// The firewall behind an interface (netavark style), so drivers never build
// rules themselves. The nftables implementation keeps everything in one table.
import { BerthError } from '../../errors.js';
import type { NetworkRecord, PublishedPort } from '../types.js';
import { nftBatch, nftListTable, type NftListing } from './nft.js';
import { Rules, deletesByTag, epTag, netTag, taggedRuleCount, type NftCmd } from './rules.js';

export interface Firewall {
  /** `fresh`: a network just created (a new id), so none of its rules can exist yet. */
  setupNetwork(n: NetworkRecord, opts?: { fresh?: boolean }): Promise<void>;
  /** Removes the network's rules; returns errors instead of stopping at the first. */
  teardownNetwork(n: NetworkRecord): Promise<Error[]>;
  publish(containerId: string, ports: PublishedPort[]): Promise<void>;
  unpublish(containerId: string): Promise<void>;
}

/** The table name: BERTH_NFT_TABLE or "berth". */
export function nftTableName(env: NodeJS.ProcessEnv = process.env): string {
  const t = env.BERTH_NFT_TABLE || 'berth';
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(t)) throw new BerthError(`invalid BERTH_NFT_TABLE '${t}'`);
  return t;
}

function hasElement(listing: NftListing, table: string, elem: string): boolean {
  for (const i of listing.nftables ?? []) {
    const s = i.set as { table?: string; name?: string; elem?: unknown[] } | undefined;
    if (s && s.table === table && s.name === 'bridges') return (s.elem ?? []).includes(elem);
  }
  return false;
}

export class NftFirewall implements Firewall {
  private readonly rules: Rules;
  constructor(readonly table: string = nftTableName()) {
    this.rules = new Rules(table);
  }

  private async current(): Promise<{ listing: NftListing; base: NftCmd[] }> {
    const listing = await nftListTable(this.table);
    return listing ? { listing, base: [] } : { listing: {}, base: this.rules.tableSkeleton() };
  }

  async setupNetwork(n: NetworkRecord, opts: { fresh?: boolean } = {}): Promise<void> {
    // A new network has no rules to replace: the idempotent skeleton and its rules, one nft call.
    if (opts.fresh) return nftBatch([...this.rules.tableSkeleton(), ...this.rules.network(n)]);
    const { listing, base } = await this.current();
    // Replacing the network's rules keeps a repeated setup (crash repair) exact.
    await nftBatch([...base, ...deletesByTag(listing, this.table, new Set([netTag(n.id)])), ...this.rules.network(n)]);
  }

  async teardownNetwork(n: NetworkRecord): Promise<Error[]> {
    try {
      const listing = await nftListTable(this.table);
      if (!listing) return [];
      const dels = deletesByTag(listing, this.table, new Set([netTag(n.id)]));
      const cmds = [...dels];
      if (hasElement(listing, this.table, n.bridge)) cmds.push(this.rules.networkElementDelete(n));
      // The last berth rule gone → the table goes too, leaving the ruleset as found.
      if (taggedRuleCount(listing, this.table) === dels.length) cmds.push({ delete: { table: { family: 'inet', name: this.table } } });
      await nftBatch(cmds);
      return [];
    } catch (e) {
      return [e as Error];
    }
  }

  async publish(containerId: string, ports: PublishedPort[]): Promise<void> {
    const { listing, base } = await this.current();
    await nftBatch([...base, ...deletesByTag(listing, this.table, new Set([epTag(containerId)])), ...this.rules.ports(containerId, ports)]);
  }

  async unpublish(containerId: string): Promise<void> {
    const listing = await nftListTable(this.table);
    if (!listing) return;
    await nftBatch(deletesByTag(listing, this.table, new Set([epTag(containerId)])));
  }
}
