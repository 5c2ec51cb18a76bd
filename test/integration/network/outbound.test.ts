// Outbound traffic: a container on a normal network reaches a host outside
// berth (a namespace of the test's own behind a veth) masqueraded to the
// host's address; a container on an internal network is dropped even with a
// route to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { isRoot, shortId, tempDir } from '../../helpers/env.js';
import { statePaths } from '../../../src/state/paths.js';
import { connectEndpoint, createNetns, deleteNetns, disconnectEndpoint, removeNetwork, listNetworks } from '../../../src/network/index.js';
import { createNetwork } from '../../../src/network/networks.js';
import { addrAdd, linkAdd, linkDelIfExists, linkSet } from '../../../src/native/netlink.js';
import { readConfig } from '../../../src/config.js';
import { freeSubnets, inNs, ping, sh } from './helpers.js';

const PEER_SERVER = `require('net').createServer((c) => c.end('from:' + c.remoteAddress.replace('::ffff:', '') + '\\n')).listen(7000, () => process.stdout.write('ready\\n'));`;

test('outbound masquerade; internal networks stay inside', { skip: !isRoot && 'needs root', timeout: 30_000 }, async () => {
  const id = shortId();
  const tmp = tempDir();
  const paths = statePaths(join(tmp.path, 'root'), {});
  const table = `berth_o${id}`;
  process.env.BERTH_NFT_TABLE = table;
  process.env.BERTH_DNS_UPSTREAMS = '127.0.0.1:9';
  const cfg = readConfig(process.env);  // what the CLI would hand the network layer
  const [sPub, sPriv, sExt] = freeSubnets(3, [200, 254]) as [string, string, string];
  const ext = sExt.replace('.0/24', '');
  const link = `eo${id}`;
  let server: ChildProcess | undefined;
  try {
    const nsExt = createNetns(paths, `ext${id}`);
    const nsPub = createNetns(paths, `pub${id}`);
    const nsPriv = createNetns(paths, `priv${id}`);
    // The "outside" host: no route back to the normal network, so only masqueraded traffic gets answers.
    linkAdd(null, { name: link, kind: 'veth', up: true, peer: { name: 'eth0', netns: nsExt } });
    addrAdd(null, link, `${ext}.1/24`);
    addrAdd(nsExt, 'eth0', `${ext}.2/24`);
    linkSet(nsExt, 'eth0', { up: true });
    server = spawn('nsenter', [`--net=${nsExt}`, process.execPath, '-e', PEER_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((ok, fail) => {
      server!.stdout!.once('data', () => ok());
      server!.once('exit', (c) => fail(new Error(`peer server exited ${c}`)));
    });

    await createNetwork(paths, cfg, { name: `pub${id}`, ipam: { config: [{ subnet: sPub }] } });
    const priv = await createNetwork(paths, cfg, { name: `priv${id}`, internal: true, ipam: { config: [{ subnet: sPriv }] } });
    await connectEndpoint(paths, cfg, { containerId: `p${id}`, netnsPath: nsPub, networks: [{ name: `pub${id}` }] });
    await connectEndpoint(paths, cfg, { containerId: `q${id}`, netnsPath: nsPriv, networks: [{ name: `priv${id}` }] });

    assert.ok(ping(nsPub, `${ext}.2`), 'a normal network reaches the outside');
    assert.equal(inNs(nsPub, ['busybox', 'nc', '-w', '2', `${ext}.2`, '7000']).out.trim(), `from:${ext}.1`, 'masqueraded to the host address');
    assert.doesNotMatch(inNs(nsPriv, ['ip', 'route']).out, /default/, 'no default route on an internal-only container');
    // Routes both ways, so that only the firewall can stop it.
    assert.ok(inNs(nsPriv, ['ip', 'route', 'add', sExt, 'via', priv.subnets[0]!.gateway]).ok);
    assert.ok(inNs(nsExt, ['ip', 'route', 'add', sPriv, 'via', `${ext}.1`]).ok);
    assert.ok(!ping(nsPriv, `${ext}.2`), 'the internal network is dropped on the way out');
  } finally {
    server?.kill('SIGKILL');
    for (const c of [`p${id}`, `q${id}`]) await disconnectEndpoint(paths, cfg, c).catch(() => undefined);
    for (const n of listNetworks(paths)) await removeNetwork(paths, cfg, n.id).catch(() => linkDelIfExists(null, n.bridge));
    linkDelIfExists(null, link);
    for (const n of [`ext${id}`, `pub${id}`, `priv${id}`]) deleteNetns(paths, n);
    sh('nft', ['delete', 'table', 'inet', table]);
    tmp.cleanup();
  }
});
