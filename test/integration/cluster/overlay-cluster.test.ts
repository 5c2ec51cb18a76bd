// Three simulated hosts, one etcd on the test underlay: nodes join, one
// overlay network spans them (same id, subnet and VNI, leases without
// clashes), endpoints on different hosts reach each other by name over TCP
// and UDP through VXLAN; a node whose agent is killed has its endpoints
// withdrawn everywhere when its lease expires, and comes back on restart.
// Bad input: a node name taken, an advertise address not on the host, a VNI
// or subnet clash, etcd unreachable — one clear error, nothing made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot, shortId, tempDir } from '../../helpers/env.js';
import { startEtcd, type TestEtcd } from '../../helpers/etcd.js';
import { netnsCreate, netnsDelete } from '../../../src/native/netns.js';
import { freeSubnets, serveIn, sh } from '../network/helpers.js';
import { makeHosts, type SimHost, type Underlay } from './hosts.js';

async function until(what: string | (() => string), fn: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ok = (r: { status: number | null; stdout: string; stderr: string }, what: string) => {
  assert.equal(r.status, 0, `${what}: ${r.stderr}`);
  return r.stdout;
};

test('overlay across three hosts over etcd', { skip: !isRoot && 'needs root', timeout: 240_000 }, async () => {
  const id = shortId(4);
  const tmp = tempDir();
  const [under, sub] = freeSubnets(2, [230, 254]) as [string, string];
  const base = under.replace('.0/24', '');
  let u: Underlay | undefined;
  let etcd: TestEtcd | undefined;
  const cns: string[] = [];
  const servers: Array<{ kill: (s: NodeJS.Signals) => boolean }> = [];
  try {
    u = makeHosts(tmp.path, id, 3, base);
    const [h1, h2, h3] = u.hosts as [SimHost, SimHost, SimHost];
    etcd = await startEtcd(tmp.path, { netns: u.ns, host: u.gateway });
    const store = `etcd://${u.gateway}:2379`;

    // Bad input first: nothing may be left by it.
    let r = h1.berth('node', 'join', '--store', store, '--advertise-addr', h2.addr, '--name', 'n1');
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `--advertise-addr: ${h2.addr} is not an address of this host\n`);
    r = h1.berth('node', 'join', '--store', `etcd://${base}.99:2379`, '--advertise-addr', h1.addr, '--name', 'n1');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^etcd unreachable \(/);

    for (const [i, h] of [h1, h2, h3].entries()) ok(h.berth('node', 'join', '--store', store, '--advertise-addr', h.addr, '--name', `n${i + 1}`, '--label', `zone=z${i % 2}`), `join ${h.name}`);
    r = h3.berth('node', 'ls', '--format', 'json');
    const nodes = ok(r, 'node ls').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(nodes.map((n) => [n.name, n.address, n.status, n.labels.zone]), [['n1', h1.addr, 'ready', 'z0'], ['n2', h2.addr, 'ready', 'z1'], ['n3', h3.addr, 'ready', 'z0']]);
    // A second host asking for a live node's name.
    r = h3.berth('node', 'leave');
    ok(r, 'leave');
    r = h3.berth('node', 'join', '--store', store, '--advertise-addr', h3.addr, '--name', 'n1');
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `a node named n1 is already in the cluster (at ${h1.addr})\n`);
    ok(h3.berth('node', 'join', '--store', store, '--advertise-addr', h3.addr, '--name', 'n3'), 'rejoin n3');

    // One overlay network on every host: same id, subnet, VNI.
    const net = `ov${id}`;
    const recs = [h1, h2, h3].map((h, i) => JSON.parse(ok(h.berth('network', 'create', '-d', 'overlay', net, ...(i === 0 ? ['--subnet', sub] : []), '--format', 'json'), `create on ${h.name}`)));
    assert.deepEqual(new Set(recs.map((x) => `${x.id} ${x.subnets[0].subnet} ${x.vni}`)).size, 1);
    assert.equal(recs[0].cluster.vtep, h1.addr);
    r = h2.berth('network', 'create', '-d', 'overlay', `ow${id}`, '-o', `vni=${recs[0].vni}`);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `network ow${id}: VNI ${recs[0].vni} is already used by network ${net}\n`);
    r = h2.berth('network', 'create', '-d', 'overlay', `ow${id}`, '--subnet', sub);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`^network ow${id}: subnet ${sub.replace(/\./g, '\\.')} overlaps`));
    r = h2.berth('network', 'create', '-d', 'overlay', net, '--subnet', '10.99.0.0/24');
    assert.equal(r.status, 1, 'a different subnet for the same cluster network');

    // One "container" per host (a network namespace attached by berth inside that host).
    const eps = [h1, h2, h3].map((h, i) => {
      const cns1 = join(tmp.path, `c${i + 1}-${id}`);
      netnsCreate(cns1);
      cns.push(cns1);
      return JSON.parse(ok(h.berth('network', 'connect', net, `c${i + 1}${id}`, '--netns', cns1, '--name', `svc${i + 1}`, '--format', 'json'), `connect on ${h.name}`));
    });
    assert.equal(new Set(eps.map((e) => e.ipv4)).size, 3, 'leases in etcd never hand out one address twice');
    const gw = recs[0].subnets[0].gateway as string;
    const inC = (i: number, args: string[]) => sh('nsenter', [`--net=${cns[i]}`, ...args]);

    // Forwarding entries from the agents' watches: the all-zero MAC floods to both other nodes.
    const agentLog = () => { try { return readFileSync(join(h1.root, 'cluster', 'agent.log'), 'utf8').slice(-2000); } catch { return '(no agent log)'; } };
    await until(() => `FDB on h1 toward h2 and h3 (h1's agent log: ${agentLog()})`, () => {
      const fdb = JSON.parse(h1.inNs(['bridge', '-j', 'fdb', 'show', 'dev', recs[0].vxlan]).out || '[]') as Array<{ mac: string; dst?: string }>;
      const zero = fdb.filter((e) => e.mac === '00:00:00:00:00:00').map((e) => e.dst).sort();
      return zero.join(',') === [h2.addr, h3.addr].sort().join(',') && fdb.some((e) => e.mac === eps[1].mac && e.dst === h2.addr);
    });
    // By name across hosts: DNS on h1 answers svc2 (on h2) and svc3 (on h3).
    await until('DNS on h1 answers svc2', () => inC(0, ['busybox', 'nslookup', 'svc2', gw]).out.includes(eps[1].ipv4));
    assert.match(inC(0, ['busybox', 'nslookup', 'svc3', gw]).out, new RegExp(eps[2].ipv4.replace(/\./g, '\\.')));
    servers.push(await serveIn(cns[1]!, 7001, 7002, 'on-h2'));
    servers.push(await serveIn(cns[2]!, 7001, 7002, 'on-h3'));
    assert.equal(inC(0, ['busybox', 'nc', '-w', '3', eps[1].ipv4, '7001']).out.trim(), 'tcp:on-h2');
    assert.equal(inC(0, ['busybox', 'nc', '-w', '3', eps[2].ipv4, '7001']).out.trim(), 'tcp:on-h3');
    const UDP_ASK = `const s = require('dgram').createSocket('udp4'); setTimeout(() => process.exit(1), 3000);
      s.on('message', (m) => { process.stdout.write(String(m)); process.exit(0); }); s.send('hi', +process.argv[2], process.argv[1]);`;
    assert.equal(inC(0, [process.execPath, '-e', UDP_ASK, eps[2].ipv4, '7002']).out, 'udp:on-h3:hi');

    // Kill n3's agent: its lease expires and its endpoint disappears from h1 (FDB and DNS).
    const pid3 = Number(readFileSync(join(h3.root, 'cluster', 'agent.pid'), 'utf8'));
    process.kill(pid3, 'SIGKILL');
    const statusOf = (name: string) => h1.berth('node', 'ls', '--format', 'json').stdout.trim().split('\n').map((l) => JSON.parse(l)).find((n) => n.name === name)?.status;
    await until('n3 down in node ls', () => statusOf('n3') === 'down');
    await until('svc3 withdrawn on h1', () => !inC(0, ['busybox', 'nslookup', 'svc3', gw]).out.includes(eps[2].ipv4));
    const fdbOf = (h: SimHost) => JSON.parse(h.inNs(['bridge', '-j', 'fdb', 'show', 'dev', recs[0].vxlan]).out || '[]') as Array<{ mac: string; dst?: string }>;
    await until('tunnel entries toward h3 gone on h1', () => !fdbOf(h1).some((e) => e.dst === h3.addr));
    // Its address leases went with its node lease.
    const leaseOf3 = () => etcd!.ctl(['get', `/berth/leases/${recs[0].id}/${eps[2].ipv4}`, '--print-value-only']).trim();
    assert.equal(leaseOf3(), '');
    // Restart: n3 registers again and publishes its endpoint again.
    ok(h3.berth('node', 'ls'), 'node ls on h3 restarts its agent');
    await until('svc3 back on h1', () => inC(0, ['busybox', 'nslookup', 'svc3', gw]).out.includes(eps[2].ipv4));
    assert.equal(leaseOf3(), `c3${id}`, 'its address is taken again under the new node lease');
    assert.equal(inC(0, ['busybox', 'nc', '-w', '3', eps[2].ipv4, '7001']).out.trim(), 'tcp:on-h3');

    // Removal: disconnect, remove the network everywhere, leave.
    for (const [i, h] of [h1, h2, h3].entries()) ok(h.berth('network', 'disconnect', net, `c${i + 1}${id}`), `disconnect on ${h.name}`);
    for (const h of [h1, h2, h3]) ok(h.berth('network', 'rm', net), `rm on ${h.name}`);
    assert.equal(etcd.ctl(['get', '--prefix', '/berth/netdefs/']), '', 'the last node removed the definition');
    assert.equal(etcd.ctl(['get', '--prefix', '/berth/vni/']), '');
    for (const h of [h1, h2, h3]) ok(h.berth('node', 'leave'), `leave ${h.name}`);
    assert.equal(etcd.ctl(['get', '--prefix', '/berth/nodes/']), '');
  } finally {
    for (const s of servers) s.kill('SIGKILL');
    for (const [i, h] of (u?.hosts ?? []).entries()) {
      h.berth('network', 'disconnect', `ov${id}`, `c${i + 1}${id}`);
      h.berth('network', 'prune');
      h.berth('node', 'leave');
      // The agent and the DNS responder of each host run inside its namespace: stop them by their pid files.
      try { process.kill(Number(readFileSync(join(h.root, 'cluster', 'agent.pid'), 'utf8')), 'SIGKILL'); } catch { /* gone */ }
      try { process.kill(JSON.parse(readFileSync(join(h.root, 'run', 'dns', 'server.json'), 'utf8')).pid, 'SIGKILL'); } catch { /* gone */ }
      sh('nsenter', [`--net=${h.ns}`, 'nft', 'delete', 'table', 'inet', h.table]);
    }
    for (const c of cns) netnsDelete(c);
    await etcd?.stop();
    u?.cleanup();
    tmp.cleanup();
  }
});
