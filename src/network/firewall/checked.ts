// The last firewall check that found every rule of some networks in place,
// remembered with the nftables generation it saw. While the generation is the
// same, nothing changed any table since (no reload, no other tool, no other
// berth), so the next `up` of those networks skips listing the ruleset (an
// nft run, ~10-15 ms). The generation is read before the listing: a change
// made meanwhile gives a newer one, and the next check lists again. It counts
// from zero in each network namespace and after each boot, so the boot and
// the namespace are part of the record, and so is the table checked.
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../../state/atomic.js';
import { nftGeneration } from '../../native/nftables.js';

interface Checked { boot: string; netns: string; table: string; generation: number; networks: string[] }

export interface FirewallCheck {
  /** Whether every one of these networks was found intact at the current generation. */
  intact(ids: string[]): boolean;
  /** Records that these networks were found intact (by a listing made after the generation was read). */
  found(ids: string[]): void;
}

/** The check record of a network store directory; one that cannot read the generation never skips. */
export function firewallCheck(dir: string, table: string): FirewallCheck {
  // A dot file, as the store's .lock: not a record of the store.
  const file = join(dir, '.firewall-checked.json');
  let now: Omit<Checked, 'networks'> | undefined;
  try {
    now = {
      boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
      netns: readlinkSync('/proc/self/ns/net'),
      table,
      generation: nftGeneration(),
    };
  } catch {
    now = undefined;
  }
  let seen: Checked | undefined;
  try { seen = now ? readJson<Checked>(file) : undefined; } catch { seen = undefined; }  // damaged: list again, then rewrite
  const current = !!now && !!seen && seen.boot === now.boot && seen.netns === now.netns && seen.table === now.table &&
    seen.generation === now.generation && Array.isArray(seen.networks);
  return {
    intact: (ids) => current && ids.every((id) => seen!.networks.includes(id)),
    found(ids) {
      if (!now) return;
      const networks = [...new Set([...(current ? seen!.networks : []), ...ids])];
      // Run-time knowledge, rebuilt by the next listing if lost: not worth an fsync.
      writeJsonAtomic(file, { ...now, networks }, { durable: false });
    },
  };
}
