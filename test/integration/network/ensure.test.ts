// ensureNetwork: idempotent for the orchestrator, names configuration drift,
// and repairs kernel objects and rules lost to a reboot or a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isRoot, shortId, tempDir } from '../../helpers/env.js';
import { statePaths } from '../../../src/state/paths.js';
import { ensureNetwork, removeNetwork } from '../../../src/network/index.js';
import { linkDelIfExists, linkList } from '../../../src/native/netlink.js';
import { readConfig } from '../../../src/config.js';
import { freeSubnets, sh } from './helpers.js';

test('ensureNetwork creates, reuses, repairs and reports drift', { skip: !isRoot && 'needs root', timeout: 30_000 }, async () => {
  const id = shortId();
  const tmp = tempDir();
  const paths = statePaths(join(tmp.path, 'root'), {});
  const table = `berth_e${id}`;
  process.env.BERTH_NFT_TABLE = table;
  process.env.BERTH_DNS_UPSTREAMS = '127.0.0.1:9';
  const cfg = readConfig(process.env);  // what the CLI would hand the network layer
  const [sub] = freeSubnets(1, [140, 179]) as [string];
  const spec = { name: `e${id}`, ipam: { config: [{ subnet: sub }] } };
  let bridge: string | undefined;
  try {
    const first = await ensureNetwork(paths, cfg, spec);
    bridge = first.network.bridge;
    assert.equal(first.created, true);
    const again = await ensureNetwork(paths, cfg, spec);
    assert.deepEqual([again.created, again.network.id], [false, first.network.id]);

    // Lost kernel state (as after a reboot): the bridge and the table are gone.
    linkDelIfExists(null, bridge);
    sh('nft', ['delete', 'table', 'inet', table]);
    await ensureNetwork(paths, cfg, spec);
    assert.ok(linkList(null).some((l) => l.name === bridge), 'bridge recreated');
    assert.match(sh('nft', ['list', 'table', 'inet', table]).out, new RegExp(`net:${first.network.id}`), 'rules recreated');
    assert.match(sh('ip', ['-br', 'addr', 'show', bridge]).out, new RegExp(first.network.subnets[0]!.gateway.replace(/\./g, '\\.')));

    await assert.rejects(ensureNetwork(paths, cfg, { ...spec, internal: true }), /exists with a different configuration: internal \(has false, wants true\)/);
    await assert.rejects(ensureNetwork(paths, cfg, { ...spec, ipam: { config: [{ subnet: '10.99.0.0/24' }] } }), /subnet \(has .*, wants 10\.99\.0\.0\/24\)/);
    await assert.rejects(ensureNetwork(paths, cfg, { ...spec, driver: 'overlay' }), /different configuration: driver \(has bridge, wants overlay\)/);
    await assert.rejects(ensureNetwork(paths, cfg, { ...spec, name: `m${id}`, driver: 'macvlan' }), /driver 'macvlan' is not supported/);
    await removeNetwork(paths, cfg, spec.name);
    assert.ok(!linkList(null).some((l) => l.name === bridge));
  } finally {
    await removeNetwork(paths, cfg, spec.name).catch(() => undefined);
    if (bridge) linkDelIfExists(null, bridge);
    sh('nft', ['delete', 'table', 'inet', table]);
    tmp.cleanup();
  }
});
