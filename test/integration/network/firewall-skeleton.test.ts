// A new network's transaction leaves out what the listings show in place
// (our chains, the base rules), puts back base rules someone removed, and
// runs again with the whole skeleton when the table went away after the
// listing. Against the real nftables, in a table of the test's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { isRoot, shortId } from '../../helpers/env.js';
import { NftFirewall, prefetchFirewallListings } from '../../../src/network/firewall/firewall.js';
import type { NetworkRecord } from '../../../src/network/types.js';

const nft = (args: string[]): string => {
  const r = spawnSync('nft', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};

const network = (n: number): NetworkRecord => ({
  id: String(n).repeat(64).slice(0, 64), name: `fs${n}`, driver: 'bridge', bridge: `br-fs${n}${shortId(4)}`, mtu: 1500,
  internal: false, attachable: false, enableIpv6: false, labels: {}, options: {},
  subnets: [{ family: 4, subnet: `10.213.${n}.0/24`, gateway: `10.213.${n}.1` }], created: new Date(0).toISOString(),
});

/** The table's chains and how many rules with each comment it holds. */
function shape(table: string): { chains: string[]; comments: Record<string, number> } {
  const items = (JSON.parse(nft(['-j', 'list', 'table', 'inet', table])) as { nftables: Array<Record<string, any>> }).nftables;
  const comments: Record<string, number> = {};
  for (const i of items) if (i.rule) comments[`${i.rule.chain}:${i.rule.comment}`] = (comments[`${i.rule.chain}:${i.rule.comment}`] ?? 0) + 1;
  return { chains: items.filter((i) => i.chain).map((i) => i.chain.name).sort(), comments };
}

test('a new network: the existing skeleton is kept, missing base rules come back, a table gone since the listing is made again', { skip: !isRoot && 'needs root' }, async () => {
  const table = `bfs${shortId(6)}`;
  const fw = new NftFirewall(table);
  const want = ['dns', 'forward', 'input', 'output', 'ports', 'postrouting', 'prerouting', 'published'];
  const base = { 'prerouting:base': 3, 'output:base': 1, 'input:base': 1 };
  try {
    // The first network makes the whole table.
    await fw.setupNetwork(network(1), { fresh: true });
    const first = shape(table);
    assert.deepEqual(first.chains, want);
    for (const [k, n] of Object.entries(base)) assert.equal(first.comments[k], n, k);

    // A second one (listed anew) adds its own rules only: the base rules stay as they were, once each.
    await new Promise((r) => setTimeout(r, 1100));  // past the listings' one-second reuse
    const handles = nft(['-a', 'list', 'chain', 'inet', table, 'prerouting']);
    await fw.setupNetwork(network(2), { fresh: true });
    const second = shape(table);
    assert.deepEqual(second.chains, want);
    for (const [k, n] of Object.entries(base)) assert.equal(second.comments[k], n, k);
    assert.equal(nft(['-a', 'list', 'chain', 'inet', table, 'prerouting']), handles, 'the base rules were not replaced');
    assert.ok(second.comments[`dns:net:${network(2).id}`], 'its own rules are there');

    // Base rules removed by someone: the next network puts them back.
    nft(['flush', 'chain', 'inet', table, 'input']);
    await new Promise((r) => setTimeout(r, 1100));
    await fw.setupNetwork(network(3), { fresh: true });
    for (const [k, n] of Object.entries(base)) assert.equal(shape(table).comments[k], n, k);

    // Listed, then the table goes (another berth removed its last network): made again, whole.
    await new Promise((r) => setTimeout(r, 1100));
    prefetchFirewallListings(table);
    await new Promise((r) => setTimeout(r, 200));  // the listings are done
    nft(['delete', 'table', 'inet', table]);
    await fw.setupNetwork(network(4), { fresh: true });
    const again = shape(table);
    assert.deepEqual(again.chains, want);
    for (const [k, n] of Object.entries(base)) assert.equal(again.comments[k], n, k);
    assert.ok(again.comments[`dns:net:${network(4).id}`]);
  } finally {
    spawnSync('nft', ['delete', 'table', 'inet', table]);
  }
});
