// The last firewall check that found every rule of some networks in place,
// remembered with the nftables generation it saw. While the generation is the
// same, nothing changed any table since (no reload, no other tool, no other
// berth), so the next `up` of those networks skips listing the ruleset (an
// nft run, ~10-15 ms). The generation is read before the listing: a change
// made meanwhile gives a newer one, and the next check lists again. It counts
// from zero in each network namespace and after each boot, so the boot and
// the namespace are part of the record, and so is the table checked.
//
// berth's own transactions move the record along: one that began at the
// recorded generation and was the only commit since (the generation moved by
// exactly one) changed only the networks it names, so the record takes the
// new generation, less the networks whose rules it removed, plus those it put
// in place. Anyone else's commit in between breaks the chain.
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
  /**
   * After our transaction that began at generation `before` (this check made after it):
   * moves the record on when that transaction was the only commit since a current record.
   */
  committed(before: number, change: { intact?: string[]; gone?: string[] }): void;
}

/** The generation now; undefined when the kernel cannot say (no nf_tables). */
export function currentGeneration(): number | undefined {
  try { return nftGeneration(); } catch { return undefined; }
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
  const sameHost = !!now && !!seen && seen.boot === now.boot && seen.netns === now.netns && seen.table === now.table && Array.isArray(seen.networks);
  const current = sameHost && seen!.generation === now!.generation;
  // Run-time knowledge, rebuilt by the next listing if lost: not worth an fsync.
  const write = (networks: string[]) => writeJsonAtomic(file, { ...now!, networks: [...new Set(networks)] }, { durable: false });
  return {
    intact: (ids) => current && ids.every((id) => seen!.networks.includes(id)),
    found(ids) {
      if (now) write([...(current ? seen!.networks : []), ...ids]);
    },
    committed(before, change) {
      if (!now || !sameHost || seen!.generation !== before || now.generation !== before + 1) return;
      const gone = new Set(change.gone ?? []);
      write([...seen!.networks.filter((id) => !gone.has(id)), ...(change.intact ?? [])]);
    },
  };
}
