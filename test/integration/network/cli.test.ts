// `berth network …` end to end, IPv6 endpoints, internal networks and crash
// repair (an endpoint whose record was never written).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { berthBin, isRoot, shortId, tempDir } from '../../helpers/env.js';
import { statePaths } from '../../../src/state/paths.js';
import {
  connectEndpoint, createNetns, deleteNetns, disconnectEndpoint, hostVethName, removeNetwork, listNetworks, getNetwork, publishPorts, unpublishPorts,
} from '../../../src/network/index.js';
import { NetworkStore } from '../../../src/network/store.js';
import { linkAdd, linkDelIfExists } from '../../../src/native/netlink.js';
import { readConfig } from '../../../src/config.js';
import { freeSubnets, inNs, ipLinkNames, serveIn, sh, tcpFrom } from './helpers.js';

test('berth network CLI, IPv6, internal networks, crash repair', { skip: !isRoot && 'needs root', timeout: 60_000 }, async () => {
  const id = shortId();
  const tmp = tempDir();
  const root = join(tmp.path, 'root');
  const paths = statePaths(root, {});
  const table = `berth_c${id}`;
  const env = { ...process.env, BERTH_NFT_TABLE: table, BERTH_DNS_UPSTREAMS: '127.0.0.1:9' };
  process.env.BERTH_NFT_TABLE = table;
  process.env.BERTH_DNS_UPSTREAMS = '127.0.0.1:9';
  const cfg = readConfig(process.env);  // what the CLI would hand the network layer
  const berth = (...args: string[]) => spawnSync(process.execPath, [berthBin, '--root', root, ...args], { encoding: 'utf8', env });
  const [s1, s2] = freeSubnets(2, [80, 139]) as [string, string];
  const v6 = `fd00:213:${id.charCodeAt(0).toString(16)}${id.charCodeAt(1).toString(16)}::/64`;
  const n1 = `front${id}`, n2 = `inner${id}`;
  const nss = ['a', 'b'].map((n) => `${n}${id}`);
  try {
    let r = berth('network', 'create', n1, '--subnet', s1, '--subnet', v6, '--ipv6', '--label', `t=${id}`, '-o', 'com.docker.network.driver.mtu=1400', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const rec = JSON.parse(r.stdout);
    assert.equal(rec.mtu, 1400);
    assert.deepEqual(rec.subnets.map((s: { subnet: string }) => s.subnet), [s1, v6]);
    r = berth('network', 'create', n2, '--subnet', s2, '--internal');
    assert.equal(r.status, 0, r.stderr);
    r = berth('network', 'create', n1);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `network ${n1} already exists\n`);
    r = berth('network', 'create', `bad${id}`, '--subnet', '10.0.0.0/33');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^network bad\w+: invalid subnet '10\.0\.0\.0\/33'\n$/);
    r = berth('network', 'create', `bad${id}`, '--gateway', '10.0.0.1');
    assert.equal(r.status, 15);
    assert.equal(getNetwork(paths, `bad${id}`), undefined);

    r = berth('network', 'ls', '--format', 'json', '--filter', `label=t=${id}`);
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => JSON.parse(l).name), [n1]);
    r = berth('network', 'inspect', n2);
    assert.equal(JSON.parse(r.stdout)[0].Internal, true);
    // Go templates over docker's shapes: ls rows and inspect objects.
    assert.equal(berth('network', 'ls', '--filter', `label=t=${id}`, '--format', '{{.Name}} {{.Driver}} {{.IPv6}} {{.Label "t"}}').stdout, `${n1} bridge true ${id}\n`);
    assert.equal(berth('network', 'inspect', '-f', '{{.Name}} {{.Internal}} {{range .IPAM.Config}}{{.Subnet}} {{end}}{{.Labels}}', n1).stdout,
      `${n1} false ${s1} ${v6} map[t:${id}]\n`);
    const bridge1 = getNetwork(paths, n1)!.bridge;
    assert.match(sh('ip', ['link', 'show', bridge1]).out, /mtu 1400/);
    const ruleset = sh('nft', ['list', 'table', 'inet', table]).out;
    const br2 = getNetwork(paths, n2)!.bridge;
    assert.match(ruleset, new RegExp(`iifname "${br2}" oifname != "${br2}" drop`), 'internal: nothing leaves its bridge');
    assert.doesNotMatch(ruleset, new RegExp(`oifname != "${br2}" masquerade`), 'internal: no outbound masquerade');

    // connect/disconnect by netns path; static v4 address; IPv6 between two endpoints.
    const [nsA, nsB] = nss.map((n) => createNetns(paths, n)) as [string, string];
    const ipA = s1.replace('.0/24', '.10');
    r = berth('network', 'connect', n1, `ca${id}`, '--netns', nsA, '--ip', ipA, '--alias', 'alpha', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const att = JSON.parse(r.stdout);
    assert.equal(att.ipv4, ipA);
    assert.ok(att.ipv6?.startsWith(v6.replace('::/64', ':')), att.ipv6);
    r = berth('network', 'connect', n2, `ca${id}`, '--netns', nsA);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^eth1 /, 'a later network gets the next interface');
    assert.match(inNs(nsA, ['ip', '-br', 'link']).out, /eth1@/);
    const b = await connectEndpoint(paths, cfg, { containerId: `cb${id}`, netnsPath: nsB, networks: [{ name: n1 }, { name: n2 }] });
    assert.match(inNs(nsA, ['ip', 'link', 'show', 'eth0']).out, /mtu 1400/);
    assert.ok(inNs(nsB, ['busybox', 'ping', '-c', '1', '-W', '2', att.ipv6]).ok, 'IPv6 between endpoints');
    assert.ok(inNs(nsB, ['busybox', 'ping', '-c', '1', '-W', '2', ipA]).ok);
    // An IPv6 published port: DNAT to the container's IPv6 address, reached at the gateway's.
    const server = await serveIn(nsA, 80, 5000, 'ca');
    try {
      const v6port = 20000 + Math.floor(Math.random() * 20000);
      const [p6] = await publishPorts(paths, cfg, `ca${id}`, [{ target: 80, published: v6port, host_ip: '::' }]);
      assert.equal(p6!.containerIp, att.ipv6);
      assert.match(sh('nft', ['list', 'table', 'inet', table]).out, /dnat ip6 to \[/);
      const gw6 = getNetwork(paths, n1)!.subnets.find((s) => s.family === 6)!.gateway;
      assert.equal(tcpFrom(null, gw6, v6port), 'tcp:ca');
      r = berth('port', `ca${id}`, '80');
      assert.equal(r.stdout, `[::]:${v6port}\n`);
      await unpublishPorts(paths, cfg, `ca${id}`);
      assert.doesNotMatch(sh('nft', ['list', 'table', 'inet', table]).out, /dnat ip6/);
    } finally {
      server.kill('SIGKILL');
    }

    r = berth('network', 'rm', n1);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /has active endpoints/);
    r = berth('network', 'disconnect', n1, `ca${id}`);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!ipLinkNames().includes(hostVethName(`ca${id}`, att.networkId)));
    r = berth('network', 'disconnect', n1, `ca${id}`);
    assert.equal(r.status, 1);
    r = berth('network', 'disconnect', n2, `ca${id}`);
    assert.equal(r.status, 0, r.stderr);

    // Crash repair: the endpoint record is lost after the kernel work was done.
    // Connecting again reuses the leftovers; disconnecting removes them.
    new NetworkStore(paths).deleteEndpoint(`cb${id}`);
    const again = await connectEndpoint(paths, cfg, { containerId: `cb${id}`, netnsPath: nsB, networks: [{ name: n1 }, { name: n2 }] });
    assert.deepEqual(again.attachments.map((a) => a.ipv4), b.attachments.map((a) => a.ipv4));
    for (const a of again.attachments) {
      assert.equal(Object.values(new NetworkStore(paths).leases(a.networkId)).filter((o) => o === `cb${id}`).length, a.ipv6 ? 2 : 1);
    }
    assert.ok(inNs(nsB, ['ip', '-br', 'addr']).out.includes(again.attachments[0]!.ipv4!));
    new NetworkStore(paths).deleteEndpoint(`cb${id}`);
    await disconnectEndpoint(paths, cfg, `cb${id}`);
    for (const a of b.attachments) {
      assert.ok(!ipLinkNames().includes(a.hostVeth), `${a.hostVeth} removed by repair`);
      assert.ok(!Object.values(new NetworkStore(paths).leases(a.networkId)).includes(`cb${id}`));
    }

    // A failed attach rolls back: eth1 is taken inside the namespace, so the second veth fails.
    linkAdd(null, { name: `x${id}`, kind: 'veth', peer: { name: 'eth1', netns: nsB } });
    await assert.rejects(connectEndpoint(paths, cfg, { containerId: `cr${id}`, netnsPath: nsB, networks: [{ name: n1 }, { name: n2 }], ports: [{ target: 80 }] }),
      /eth1|exists/);
    assert.equal(new NetworkStore(paths).endpoint(`cr${id}`), undefined);
    for (const n of [n1, n2]) {
      const net = getNetwork(paths, n)!;
      assert.ok(!ipLinkNames().includes(hostVethName(`cr${id}`, net.id)), `veth on ${n} rolled back`);
      assert.ok(!Object.values(new NetworkStore(paths).leases(net.id)).includes(`cr${id}`), `lease on ${n} rolled back`);
    }
    assert.doesNotMatch(sh('nft', ['list', 'table', 'inet', table]).out, /dnat ip to/);
    linkDelIfExists(null, `x${id}`);

    r = berth('network', 'prune', '--filter', `label=t=${id}`, '--format', 'json');
    assert.deepEqual(JSON.parse(r.stdout), { removed: [n1] });
    r = berth('network', 'rm', n2);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(listNetworks(paths), []);
    assert.ok(!sh('nft', ['list', 'tables']).out.includes(table));
  } finally {
    for (const n of listNetworks(paths)) {
      for (const c of n.containers) await disconnectEndpoint(paths, cfg, c).catch(() => undefined);
      await removeNetwork(paths, cfg, n.id).catch(() => linkDelIfExists(null, n.bridge));
    }
    for (const n of nss) deleteNetns(paths, n);
    linkDelIfExists(null, `x${id}`);
    sh('nft', ['delete', 'table', 'inet', table]);
    tmp.cleanup();
  }
});
