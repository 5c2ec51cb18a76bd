// The proof for one host: network namespaces stand in for containers (the
// container runtime lives in another area). Two networks, four endpoints,
// isolation, DNS by name with scoping and forwarding to a loopback stub,
// published TCP/UDP ports on 127.0.0.1 and another host address, hairpin,
// conflicts that change nothing, and a removal that leaves nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { berthBin, isRoot, shortId, tempDir } from '../../helpers/env.js';
import { statePaths } from '../../../src/state/paths.js';
import { netnsCreate, netnsDelete } from '../../../src/native/netns.js';
import { addrAdd, linkAdd, linkDelIfExists, linkList } from '../../../src/native/netlink.js';
import {
  connectEndpoint, createNetwork, disconnectEndpoint, hostVethName, listNetworks, lookupPorts, removeNetwork, resolvConf,
  type EndpointRecord, type NetworkRecord,
} from '../../../src/network/index.js';
import { NetworkStore } from '../../../src/network/store.js';
import { serverState } from '../../../src/network/dns/manager.js';
import { readConfig } from '../../../src/config.js';
import { dnsAsk, freeSubnets, inNs, ipLinkNames, outsiderNs, ping, serveIn, sh, stubDns, tcpFrom, udpAsk } from './helpers.js';

const nslookup = (ns: string, name: string, server: string) => inNs(ns, ['busybox', 'nslookup', name, server]).out;

test('bridge networks: reachability, isolation, DNS, published ports, clean removal', { skip: !isRoot && 'needs root', timeout: 120_000 }, async () => {
  const id = shortId();
  const tmp = tempDir();
  const table = `berth_t${id}`;
  process.env.BERTH_NFT_TABLE = table;
  const stub = await stubDns(tmp.path);
  process.env.BERTH_DNS_UPSTREAMS = `127.0.0.1:${stub.port}`;
  const cfg = readConfig(process.env);  // what the CLI would hand the network layer
  // c2's own server (Compose `dns`: an address, port 53), on a loopback address of this test.
  const ownIp = `127.53.${Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
  const own = await stubDns(tmp.path, { host: ownIp, port: 53 });
  const paths = statePaths(join(tmp.path, 'root'), {});
  const nsDir = join(paths.runtime, 'netns');
  mkdirSync(nsDir, { recursive: true });
  const ns = (n: string) => join(nsDir, n);
  const names = ['c1', 'c2', 'c3', 'c4', 'c5', 'out'];
  const [subA, subB, subH, subO] = freeSubnets(4, [1, 79]) as [string, string, string, string];
  const hostIp = subH.replace('.0/24', '.1');
  const hostLink = `ha${id}`, outLink = `ho${id}`;
  const netA = `a${id}`, netB = `b${id}`;
  const servers: ChildProcess[] = [];
  let A: NetworkRecord | undefined, B: NetworkRecord | undefined;
  try {
    for (const n of names) netnsCreate(ns(n));
    // "Another host address": on a link of our own (the dummy driver may be missing from the kernel).
    linkAdd(null, { name: hostLink, kind: 'bridge', up: true });
    addrAdd(null, hostLink, `${hostIp}/32`);

    A = await createNetwork(paths, cfg, { name: netA, ipam: { config: [{ subnet: subA }] }, labels: { test: id } });
    B = await createNetwork(paths, cfg, { name: netB, ipam: { config: [{ subnet: subB }] } });
    const gwA = A.subnets[0]!.gateway, gwB = B.subnets[0]!.gateway;
    // The bridge's MAC is its own from the start: veths that come and go (below) must not change it.
    const macOf = (bridge: string) => linkList(null).find((l) => l.name === bridge)?.mac;
    const macA = macOf(A.bridge);
    assert.match(macA ?? '', /^06(:[0-9a-f]{2}){5}$/);
    await assert.rejects(createNetwork(paths, cfg, { name: `x${id}`, ipam: { config: [{ subnet: subA }] } }), /overlaps/);

    // Bad input is refused before anything is created.
    await assert.rejects(connectEndpoint(paths, cfg, { containerId: `c1${id}`, netnsPath: ns('c1'), networks: [{ name: netA }], ports: [{ target: 80, published: 'abc' }] }),
      /invalid published port 'abc'/);
    await assert.rejects(connectEndpoint(paths, cfg, { containerId: `c1${id}`, netnsPath: ns('c1'), networks: [{ name: `nope${id}` }] }), /not found/);
    assert.equal(new NetworkStore(paths).endpoint(`c1${id}`), undefined);

    const tcpPort = 20000 + Math.floor(Math.random() * 20000);
    const c1 = await connectEndpoint(paths, cfg, {
      containerId: `c1${id}`, name: `p-web-1-${id}`, netnsPath: ns('c1'), dnsNames: ['web'],
      networks: [{ name: netA, aliases: ['www'] }],
      ports: [
        { target: 80, published: tcpPort },                               // every host address
        { target: 5000, published: tcpPort, protocol: 'udp', host_ip: '127.0.0.1' },
        { target: 80 },                                                    // random host port
      ],
    });
    const c2 = await connectEndpoint(paths, cfg, { containerId: `c2${id}`, name: `p-web-2-${id}`, netnsPath: ns('c2'), dnsNames: ['web'], networks: [{ name: netA }], dnsServers: [ownIp] });
    const c3 = await connectEndpoint(paths, cfg, { containerId: `c3${id}`, name: `p-db-1-${id}`, netnsPath: ns('c3'), dnsNames: ['db'], networks: [{ name: netB }] });
    const c4 = await connectEndpoint(paths, cfg, {
      containerId: `c4${id}`, name: `p-api-1-${id}`, netnsPath: ns('c4'), dnsNames: ['api'],
      networks: [{ name: netB, priority: 1, gw_priority: 10 }, { name: netA, priority: 5, interface_name: 'front0', link_local_ips: ['169.254.10.4'] }],
    });
    const ip = (e: EndpointRecord, net: NetworkRecord) => e.attachments.find((a) => a.networkId === net.id)!.ipv4!;
    assert.equal(c1.attachments[0]!.interface, 'eth0');
    assert.deepEqual(c4.attachments.map((a) => [a.network, a.interface]), [[netA, 'front0'], [netB, 'eth0']]);
    assert.match(inNs(ns('c4'), ['ip', '-br', 'addr']).out, /front0@\S+\s+UP\s+10\.213\.\d+\.\d+\/24 169\.254\.10\.4\/16/);
    assert.match(inNs(ns('c4'), ['ip', 'route']).out, new RegExp(`default via ${gwB.replace(/\./g, '\\.')} dev eth0`), 'gw_priority picks the default route');

    // Reachability and isolation.
    assert.ok(ping(ns('c2'), ip(c1, A)), 'c2 reaches c1 on the same network');
    assert.ok(!ping(ns('c3'), ip(c1, A)), 'c3 on another network does not reach c1');
    assert.ok(ping(ns('c4'), ip(c1, A)) && ping(ns('c4'), ip(c3, B)), 'c4 on both reaches both');

    // DNS: names in scope, not outside; replicas; forwarding to the stub.
    const web = nslookup(ns('c4'), 'web', gwA);
    assert.ok(web.includes(ip(c1, A)) && web.includes(ip(c2, A)), `both replicas: ${web}`);
    assert.match(nslookup(ns('c2'), 'www', gwA), new RegExp(ip(c1, A).replace(/\./g, '\\.')));
    assert.match(nslookup(ns('c2'), `p-web-1-${id}`, gwA), new RegExp(ip(c1, A).replace(/\./g, '\\.')));
    assert.match(nslookup(ns('c4'), 'db', gwB), new RegExp(ip(c3, B).replace(/\./g, '\\.')));
    const out = nslookup(ns('c3'), 'web', gwB);
    assert.match(out, /NXDOMAIN|can't find/, `web is out of c3's scope: ${out}`);
    assert.ok(stub.seen().includes('web'), 'an unknown name is forwarded upstream');
    assert.match(nslookup(ns('c3'), 'stub.berth.test', gwB), /192\.0\.2\.123/);
    assert.deepEqual(dnsAsk(ns('c4'), gwA, 'www', 'tcp').answers, [ip(c1, A)], 'DNS over TCP');
    assert.deepEqual(dnsAsk(ns('c4'), gwA, 'stub.berth.test', 'tcp').answers, ['192.0.2.123'], 'forwarded over TCP');
    assert.ok(stub.seen().includes('stub.berth.test tcp'));
    // c2 has its own server (dns:): its unknown names go there, not to the global upstream; its service names still resolve.
    assert.deepEqual(dnsAsk(ns('c2'), gwA, 'stub.berth.test').answers, ['192.0.2.123']);
    assert.deepEqual(dnsAsk(ns('c2'), gwA, 'own.berth.test').rcode, 'NXDOMAIN');
    assert.deepEqual(own.seen(), ['stub.berth.test', 'own.berth.test'], 'c2 forwards to its own server');
    assert.ok(!stub.seen().includes('own.berth.test'), 'and not to the global one');
    assert.deepEqual(dnsAsk(ns('c2'), gwA, 'www').answers, [ip(c1, A)]);

    // Only endpoints of the receiving network are answered (no open resolver):
    // the host, a neighbour routed to the gateway, a container of another network.
    const outsider = outsiderNs(ns('out'), outLink, subO);
    assert.ok(ping(ns('out'), gwA), 'the outsider reaches the gateway');
    const seenBefore = stub.seen().length;
    for (const [who, from] of [['the host', null], ['a neighbour', ns('out')], ['a container of another network', ns('c3')]] as const) {
      for (const proto of ['udp', 'tcp'] as const) {
        assert.equal(dnsAsk(from, gwA, 'www', proto).rcode, 'REFUSED', `${who} (${proto})`);
        assert.equal(dnsAsk(from, gwA, 'stub.berth.test', proto).rcode, 'REFUSED', `${who}: no recursion (${proto})`);
      }
    }
    assert.equal(stub.seen().length, seenBefore, 'nothing forwarded for non-endpoints');
    outsider.remove();

    // By name from inside, with the generated resolv.conf.
    servers.push(await serveIn(ns('c1'), 80, 5000, 'c1'));
    const rc = join(tmp.path, 'resolv.conf');
    writeFileSync(rc, resolvConf({ nameservers: [gwA], dnsOpt: ['ndots:0'] }));
    const byName = inNs(ns('c2'), ['unshare', '-m', 'sh', '-c', `mount --bind ${rc} /etc/resolv.conf && busybox nc -w 2 www 80 </dev/null`]);
    assert.equal(byName.out.trim(), 'tcp:c1', `c2 reaches c1 by name: ${byName.out}`);

    // Published ports: 127.0.0.1 and another host address (TCP), UDP on 127.0.0.1, the random one, hairpin.
    assert.equal(tcpFrom(null, '127.0.0.1', tcpPort), 'tcp:c1');
    assert.equal(tcpFrom(null, hostIp, tcpPort), 'tcp:c1');
    assert.equal(await udpAsk('127.0.0.1', tcpPort, 'hi'), 'udp:c1:hi');
    const random = lookupPorts(paths, `c1${id}`, 80).find((p) => p.hostPort !== tcpPort)!;
    assert.ok(random.hostPort > 0);
    assert.equal(tcpFrom(null, '127.0.0.1', random.hostPort), 'tcp:c1');
    const cli = sh(process.execPath, [berthBin, '--root', paths.root, 'port', `c1${id}`, '80']);
    assert.ok(cli.ok, cli.out);
    assert.deepEqual(cli.out.trim().split('\n').sort(), [`0.0.0.0:${tcpPort}`, `0.0.0.0:${random.hostPort}`].sort());
    assert.equal(tcpFrom(ns('c1'), hostIp, tcpPort), 'tcp:c1', 'hairpin: c1 reaches its own published port');
    assert.equal(tcpFrom(ns('c2'), hostIp, tcpPort), 'tcp:c1', 'a neighbour reaches it through the host');
    assert.equal(tcpFrom(ns('c3'), hostIp, tcpPort), 'tcp:c1', 'published ports are reachable from other networks');

    // Conflicts: refused before anything changes.
    const before = { nft: sh('nft', ['list', 'table', 'inet', table]).out, leases: new NetworkStore(paths).leases(A.id), links: ipLinkNames().sort() };
    await assert.rejects(connectEndpoint(paths, cfg, { containerId: `c5${id}`, netnsPath: ns('c5'), networks: [{ name: netA }], ports: [{ target: 8080, published: tcpPort }] }),
      /already published by another berth container/);
    const busy = createServer();
    await new Promise<void>((ok) => busy.listen(0, '127.0.0.1', ok));
    const busyPort = (busy.address() as { port: number }).port;
    await assert.rejects(connectEndpoint(paths, cfg, { containerId: `c5${id}`, netnsPath: ns('c5'), networks: [{ name: netA }], ports: [{ target: 80, published: busyPort, host_ip: '127.0.0.1' }] }),
      /already in use on the host/);
    busy.close();
    await assert.rejects(connectEndpoint(paths, cfg, { containerId: `c5${id}`, netnsPath: ns('c5'), networks: [{ name: netA, ipv4_address: ip(c2, A) }] }), /already in use/);
    assert.equal(sh('nft', ['list', 'table', 'inet', table]).out, before.nft);
    assert.deepEqual(new NetworkStore(paths).leases(A.id), before.leases);
    assert.deepEqual(ipLinkNames().sort(), before.links);
    assert.equal(new NetworkStore(paths).endpoint(`c5${id}`), undefined);
    assert.ok(!ipLinkNames().includes(hostVethName(`c5${id}`, A.id)));

    // A network in use is not removed.
    await assert.rejects(removeNetwork(paths, cfg, netA), /active endpoints/);

    // Disconnect c1: its DNAT rules, lease and DNS name go.
    await disconnectEndpoint(paths, cfg, `c1${id}`);
    assert.ok(!sh('nft', ['list', 'table', 'inet', table]).out.includes('dnat ip to'));
    assert.ok(!Object.values(new NetworkStore(paths).leases(A.id)).includes(`c1${id}`));
    assert.doesNotMatch(nslookup(ns('c2'), 'www', gwA), new RegExp(ip(c1, A).replace(/\./g, '\\.')));

    // A port with a MAC below the bridge's would have become the bridge's MAC had it none of its own.
    const low = `lo${id}`;
    linkAdd(null, { name: low, kind: 'veth', mac: '00:00:00:00:00:01', master: A.bridge, up: true, peer: { name: `lp${id}` } });
    linkDelIfExists(null, low);
    assert.equal(macOf(A.bridge), macA, 'the bridge keeps its MAC as ports come and go');

    for (const c of ['c2', 'c3', 'c4']) await disconnectEndpoint(paths, cfg, `${c}${id}`);
    assert.ok(serverState(paths), 'DNS responder runs while networks exist');
    await removeNetwork(paths, cfg, netA);
    await removeNetwork(paths, cfg, netB);
    const gone = [A, B];
    A = B = undefined;

    // Nothing left: links, rules, records, DNS.
    const links = ipLinkNames();
    for (const n of gone) assert.ok(!links.includes(n.bridge), `bridge ${n.bridge} removed`);
    assert.ok(!links.some((l) => l.startsWith('vb') && names.some((c) => l === hostVethName(`${c}${id}`, gone[0]!.id) || l === hostVethName(`${c}${id}`, gone[1]!.id))));
    assert.ok(!sh('nft', ['list', 'tables']).out.includes(table), 'the nft table is gone');
    assert.deepEqual(listNetworks(paths), []);
    assert.deepEqual(readdirSync(paths.networks).filter((f) => !['leases', 'endpoints', '.lock'].includes(f)), []);
    assert.deepEqual(readdirSync(join(paths.networks, 'leases')), []);
    assert.deepEqual(readdirSync(join(paths.networks, 'endpoints')), []);
    assert.equal(serverState(paths), undefined, 'the DNS responder exited');
    assert.doesNotMatch(readFileSync(join(paths.runtime, 'dns', 'config.txt'), 'utf8'), /^network /m, 'the config names no network');
  } finally {
    for (const s of servers) s.kill('SIGKILL');
    for (const c of names) { try { await disconnectEndpoint(paths, cfg, `${c}${id}`); } catch { /* best effort */ } }
    for (const n of [A, B]) if (n) { try { await removeNetwork(paths, cfg, n.id); } catch { linkDelIfExists(null, n.bridge); } }
    const st = serverState(paths);
    if (st) process.kill(st.pid, 'SIGKILL');
    sh('nft', ['delete', 'table', 'inet', table]);
    linkDelIfExists(null, hostLink);
    linkDelIfExists(null, outLink);
    own.close();
    for (const n of names) netnsDelete(ns(n));
    stub.close();
    tmp.cleanup();
  }
  assert.ok(!existsSync(ns('c1')));
});
