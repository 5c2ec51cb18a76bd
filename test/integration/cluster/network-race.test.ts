// Two nodes defining one overlay network at the same moment, with an explicit
// subnet, against a real etcd on loopback: both end with the one definition
// (the loser adopts the winner's), never with "overlaps ... of another berth
// network" from the winner's definition of the same network appearing between
// the loser's two reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shortId, tempDir } from '../../helpers/env.js';
import { startEtcd } from '../../helpers/etcd.js';
import { chooseSubnets } from '../../../src/network/ipam/ipam.js';
import { joinClusterNetwork } from '../../../src/network/stores/cluster-networks.js';
import type { Membership } from '../../../src/network/stores/membership.js';

test('two nodes defining one overlay network at once both get the same definition', { timeout: 60_000 }, async () => {
  const tmp = tempDir();
  const etcd = await startEtcd(tmp.path);
  const prefix = `/nr${shortId(4)}`;
  const node = (name: string): Membership => ({ store: [etcd.url], prefix, node: name, vtep: '127.0.0.1', lease: '0', labels: {}, joined: '' });
  try {
    for (let round = 0; round < 40; round++) {
      const name = `mesh${round}`;
      const subnet = `10.99.${round}.0/24`;
      const spec = { name, ipam: { config: [{ subnet }] } };
      const req = {
        name, requestedSubnets: [subnet], internal: false, enableIpv6: false, vniRange: [4096, 8191] as [number, number],
        chooseSubnets: (taken: string[]) => chooseSubnets(spec, taken, [], { v4: [], v6: [] }),
      };
      // b starts a little later each round, so that some round puts a's write between b's two reads.
      const later = new Promise<void>((r) => setTimeout(r, round % 8));
      const [a, b] = await Promise.all([joinClusterNetwork(node('a'), req, []), later.then(() => joinClusterNetwork(node('b'), req, []))]);
      assert.equal(a.def.id, b.def.id, `round ${round}: one definition`);
      assert.deepEqual([a.made, b.made].sort(), [false, true], `round ${round}: one node made it, the other adopted it`);
    }
  } finally {
    await etcd.stop();
    tmp.cleanup();
  }
});
