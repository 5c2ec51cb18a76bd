// The overlay driver on one host: a bridge plus a VXLAN device (VNI, UDP
// 4789, no learning, MTU 1450), endpoints attached as on a bridge, VNI
// clashes refused with nothing left behind; and the addon's FDB/neighbour
// calls on that device (append to the all-zero entry, per-MAC, list, delete).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { berthBin, isRoot, shortId, tempDir } from '../../helpers/env.js';
import { statePaths } from '../../../src/state/paths.js';
import { connectEndpoint, createNetns, deleteNetns, disconnectEndpoint, getNetwork, removeNetwork } from '../../../src/network/index.js';
import { fdbAppend, linkList, neighAdd, neighDel, neighList } from '../../../src/native/netlink.js';
import { VNI_FIRST } from '../../../src/network/drivers/overlay.js';
import { readConfig } from '../../../src/config.js';
import { freeSubnets, inNs, ipLinkNames, ping, sh } from './helpers.js';

test('overlay networks on one host: bridge + vxlan, endpoints, FDB, VNI clash', { skip: !isRoot && 'needs root', timeout: 60_000 }, async () => {
  const id = shortId();
  const tmp = tempDir();
  const root = join(tmp.path, 'root');
  const paths = statePaths(root, {});
  const table = `berth_o${id}`;
  const env = { ...process.env, BERTH_NFT_TABLE: table, BERTH_DNS_UPSTREAMS: '127.0.0.1:9' };
  process.env.BERTH_NFT_TABLE = table;
  process.env.BERTH_DNS_UPSTREAMS = '127.0.0.1:9';
  const cfg = readConfig(process.env);  // what the CLI would hand the network layer
  const berth = (...args: string[]) => spawnSync(process.execPath, [berthBin, '--root', root, ...args], { encoding: 'utf8', env });
  const [s1, s2] = freeSubnets(2, [200, 229]) as [string, string];
  const net = `ov${id}`, other = `ow${id}`;
  const nss = ['a', 'b'].map((n) => `${n}${id}`);
  try {
    let r = berth('network', 'create', '-d', 'overlay', net, '--subnet', s1, '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const rec = JSON.parse(r.stdout);
    assert.equal(rec.driver, 'overlay');
    assert.equal(rec.mtu, 1450);
    assert.ok(rec.vni >= VNI_FIRST, `automatic VNI ${rec.vni}`);
    const links = linkList(null);
    const br = links.find((l) => l.name === rec.bridge)!, vx = links.find((l) => l.name === rec.vxlan)!;
    assert.equal(br.kind, 'bridge');
    assert.equal(vx.kind, 'vxlan');
    assert.equal(vx.master, br.index, 'the vxlan device is a port of the bridge');
    assert.deepEqual([vx.vxlan!.id, vx.vxlan!.port, vx.vxlan!.learning, vx.mtu, vx.up], [rec.vni, 4789, false, 1450, true]);
    assert.match(sh('ip', ['-d', 'link', 'show', rec.vxlan]).out, new RegExp(`vxlan id ${rec.vni} .*dstport 4789 nolearning`));

    // A second overlay network asking for the same VNI: one clear error, nothing made.
    const ours = () => ipLinkNames().filter((l) => /^(bo|vx)-/.test(l)).sort();
    const before = ours();
    r = berth('network', 'create', '-d', 'overlay', other, '--subnet', s2, '-o', `vni=${rec.vni}`);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `network ${other}: VNI ${rec.vni} is already used by network ${net}\n`);
    assert.equal(getNetwork(paths, other), undefined);
    assert.deepEqual(ours(), before, 'no bridge or vxlan device left');
    r = berth('network', 'create', '-d', 'overlay', other, '-o', 'vni=99999999');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /invalid VNI '99999999'/);

    // Endpoints: MTU 1450 inside, reachable across the bridge.
    const [nsA, nsB] = nss.map((n) => createNetns(paths, n)) as [string, string];
    const a = await connectEndpoint(paths, cfg, { containerId: `ca${id}`, name: `a${id}`, netnsPath: nsA, networks: [{ name: net }] });
    const b = await connectEndpoint(paths, cfg, { containerId: `cb${id}`, name: `b${id}`, netnsPath: nsB, networks: [{ name: net }] });
    assert.equal(linkList(nsA).find((l) => l.name === 'eth0')!.mtu, 1450);
    assert.ok(ping(nsA, b.attachments[0]!.ipv4!), 'a reaches b on the overlay network');
    assert.match(inNs(nsB, ['busybox', 'ping', '-c', '1', '-W', '1', '-s', '1422', a.attachments[0]!.ipv4!]).out, /1 packets received/);

    // ARP for the gateway (every node's bridge has it) never leaves by the vxlan port.
    assert.match(sh('bridge', ['-d', 'link', 'show', 'dev', rec.vxlan]).out, /neigh_suppress on/);

    // FDB: the all-zero MAC lists every remote VTEP (append), one entry per remote MAC, neighbour entries on the bridge.
    const zero = '00:00:00:00:00:00';
    fdbAppend(null, { dev: rec.vxlan, mac: zero, dst: '192.0.2.11' });
    fdbAppend(null, { dev: rec.vxlan, mac: zero, dst: '192.0.2.12' });
    neighAdd(null, { dev: rec.vxlan, mac: '02:42:0a:00:00:63', fdb: true, dst: '192.0.2.12' });
    neighAdd(null, { dev: rec.bridge, ip: '10.213.255.99', mac: '02:42:0a:00:00:63' });
    const fdb = neighList(null, { fdb: true, dev: rec.vxlan }).filter((e) => e.permanent);
    assert.deepEqual(fdb.filter((e) => e.mac === zero).map((e) => e.dst).sort(), ['192.0.2.11', '192.0.2.12']);
    assert.deepEqual(fdb.filter((e) => e.mac === '02:42:0a:00:00:63').map((e) => e.dst), ['192.0.2.12']);
    assert.match(sh('bridge', ['fdb', 'show', 'dev', rec.vxlan]).out, /00:00:00:00:00:00 dst 192\.0\.2\.11 self permanent/);
    assert.deepEqual(neighList(null, { dev: rec.bridge }).filter((e) => e.ip === '10.213.255.99').map((e) => e.mac), ['02:42:0a:00:00:63']);
    neighDel(null, { dev: rec.vxlan, mac: zero, fdb: true, dst: '192.0.2.11' });
    neighDel(null, { dev: rec.bridge, ip: '10.213.255.99', mac: '02:42:0a:00:00:63' });
    assert.deepEqual(neighList(null, { fdb: true, dev: rec.vxlan }).filter((e) => e.mac === zero).map((e) => e.dst), ['192.0.2.12']);

    // Lost vxlan device (a crash between bridge and vxlan): ensure puts it back.
    r = berth('network', 'rm', net);
    assert.equal(r.status, 1, 'refused while endpoints are attached');
    await disconnectEndpoint(paths, cfg, `ca${id}`);
    await disconnectEndpoint(paths, cfg, `cb${id}`);
    r = berth('network', 'rm', net);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!ipLinkNames().some((l) => l === rec.bridge || l === rec.vxlan), 'bridge and vxlan removed');
  } finally {
    for (const c of ['ca', 'cb']) await disconnectEndpoint(paths, cfg, `${c}${id}`).catch(() => undefined);
    for (const n of [net, other]) await removeNetwork(paths, cfg, n).catch(() => undefined);
    for (const n of nss) deleteNetns(paths, n);
    sh('nft', ['delete', 'table', 'inet', table]);
    tmp.cleanup();
  }
});
