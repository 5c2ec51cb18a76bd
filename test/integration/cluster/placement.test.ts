// A project spread over three simulated hosts: `up` on one node places each
// service (constraints on a name and on a label, the spread rule for the
// rest) and every node's agent starts its part; a depends_on on a service of
// another node waits for its state in etcd; services reach each other by
// name across nodes; `ps` on any node lists every container with its NODE;
// `logs` and `exec` on one node reach the services of the others (through
// etcd); `down` on another node removes everything everywhere. A placement no
// node satisfies is one error and writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot, repoRoot, shortId, tempDir } from '../../helpers/env.js';
import { startEtcd, type TestEtcd } from '../../helpers/etcd.js';
import { freeSubnets, sh } from '../network/helpers.js';
import { makeHosts, type SimHost, type Underlay } from './hosts.js';

async function until(what: string | (() => string), fn: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const ok = (r: { status: number | null; stdout: string; stderr: string }, what: string) => {
  assert.equal(r.status, 0, `${what}: ${r.stderr}`);
  return r.stdout;
};

function composeFile(name: string, subnet: string, dbConstraint: string): string {
  return `name: ${name}
services:
  db:
    image: berth-examples/busybox:latest
    command: ["sh", "-c", "echo db-started && mkdir -p /www && echo db-on-n3 > /www/index.html && sleep 2 && touch /tmp/ready && exec httpd -f -p 8080 -h /www"]
    healthcheck: {test: ["CMD", "test", "-f", "/tmp/ready"], interval: 1s, start_period: 0s}
    stop_grace_period: 1s
    networks: [mesh]
    deploy: {placement: {constraints: ["${dbConstraint}"]}}
  web:
    image: berth-examples/busybox:latest
    command: ["sh", "-c", "echo web-started && mkdir -p /www && echo web-on-n2 > /www/index.html && httpd -f -p 8080 -h /www & wait"]
    depends_on: {db: {condition: service_healthy}}
    stop_grace_period: 1s
    networks: [mesh]
    deploy: {placement: {constraints: ["node.labels.zone == z1", "node.hostname != n3"]}}
  client:
    image: berth-examples/busybox:latest
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    networks: [mesh]
networks:
  mesh:
    driver: overlay
    ipam: {config: [{subnet: ${subnet}}]}
`;
}

test('a project placed across three nodes', { skip: !isRoot && 'needs root', timeout: 300_000 }, async () => {
  const id = shortId(4);
  const tmp = tempDir();
  const [under, sub] = freeSubnets(2, [230, 254]) as [string, string];
  const base = under.replace('.0/24', '');
  const name = `pl${id}`;
  let u: Underlay | undefined;
  let etcd: TestEtcd | undefined;
  const file = join(tmp.path, 'compose.yaml');
  const badFile = join(tmp.path, 'bad.yaml');
  try {
    u = makeHosts(tmp.path, id, 3, base);
    const [h1, h2, h3] = u.hosts as [SimHost, SimHost, SimHost];
    etcd = await startEtcd(tmp.path, { netns: u.ns, host: u.gateway });
    const store = `etcd://${u.gateway}:2379`;
    for (const [i, h] of [h1, h2, h3].entries()) {
      const made = spawnSync('bash', [join(repoRoot, 'scripts/make-base-images.sh'), '--root', h.root], { cwd: repoRoot, encoding: 'utf8' });
      assert.equal(made.status, 0, made.stderr);
      ok(h.berth('node', 'join', '--store', store, '--advertise-addr', h.addr, '--name', `n${i + 1}`, '--label', `zone=z${i % 2}`), `join ${h.name}`);
    }
    writeFileSync(file, composeFile(name, sub, 'node.hostname == n3'));
    writeFileSync(badFile, composeFile(name, sub, 'node.labels.zone == z9'));

    // A constraint no live node satisfies: one error, nothing written, nothing started.
    let r = h1.berth('-f', badFile, 'up', '-d');
    assert.equal(r.status, 1);
    assert.equal(r.stderr, "service db: no live node satisfies the placement constraint 'node.labels.zone == z9'\n");
    assert.equal(etcd.ctl(['get', '--prefix', '--keys-only', '/berth/projects/']), '');
    r = h1.berth('-f', file, 'up', '-d', '--force-recreate');
    assert.notEqual(r.status, 0, r.stderr);
    assert.match(r.stderr, /--force-recreate is not supported for a cluster project\n$/);

    // up on n1: db on n3 (by name), web on n2 (by label, not n3), client by the spread rule on n1 (no containers yet).
    r = h1.berth('-f', file, 'up', '-d');
    assert.equal(r.status, 0, `up: ${r.stderr}\n${readFileSync(join(h2.root, 'cluster', 'agent.log'), 'utf8').slice(-3000)}`);
    assert.match(r.stderr, /service client placed on node n1\nservice db placed on node n3\nservice web placed on node n2\n/);
    assert.match(r.stderr, /project pl\w+ up on nodes n1, n2, n3\n$/);

    // The dependency across nodes: web's node waited for db's health in etcd.
    assert.match(readFileSync(join(h2.root, 'cluster', 'agent.log'), 'utf8'), /web waits for db \(service_healthy on node n3\)/);

    // ps on any node: every container, with its node.
    const rows = ok(h3.berth('-f', file, 'ps', '--format', 'json'), 'ps').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows.map((x) => [x.Service, x.Node, x.State]), [['client', 'n1', 'running'], ['db', 'n3', 'running'], ['web', 'n2', 'running']]);
    assert.equal(rows.find((x) => x.Service === 'db').Health, 'healthy');
    const table = ok(h2.berth('-p', name, 'ps'), 'ps table').split('\n');
    assert.match(table[0]!, /^NAME +IMAGE +COMMAND +SERVICE +CREATED +STATUS +PORTS +NODE$/);
    assert.match(table.find((l) => l.startsWith(`${name}-db-1`))!, /Up .* \(healthy\) +n3$/);
    // Each node runs only its part.
    const ctrs = (h: SimHost) => readdirSync(join(h.root, 'containers')).filter((f) => !f.startsWith('.')).length;
    assert.deepEqual([h1, h2, h3].map(ctrs), [1, 1, 1]);
    assert.equal(ok(h1.berth('-p', name, 'ps', '--format', '{{.Service}} {{.Node}}'), 'ps -p'), 'client n1\ndb n3\nweb n2\n');

    // By name across nodes: client (n1) → web (n2) and db (n3); web (n2) → db (n3).
    // (busybox-static's `wget -T` crashes: `timeout` bounds it instead.)
    const fetchFrom = (h: SimHost, from: string, to: string) => h.berth('-f', file, 'exec', '-T', from, 'timeout', '3', 'wget', '-qO-', `http://${to}:8080/`).stdout;
    await until('client reaches web by name', () => fetchFrom(h1, 'client', 'web') === 'web-on-n2\n');
    assert.equal(fetchFrom(h1, 'client', 'db'), 'db-on-n3\n');
    await until('web reaches db by name', () => fetchFrom(h2, 'web', 'db') === 'db-on-n3\n');
    // The gateway a container uses is its own node's bridge (ARP for it is not answered from other nodes).
    // (nsenter --net keeps the host's /sys: the bridge's address is asked of netlink.)
    const bridgeMac = (h: SimHost) => {
      const br = h.inNs(['ip', '-br', 'link']).out.split('\n').map((l) => l.split(/\s+/)[0]!).find((l) => l.startsWith('bo-'))!;
      return (JSON.parse(h.inNs(['ip', '-j', 'link', 'show', 'dev', br]).out) as Array<{ address: string }>)[0]!.address;
    };
    const gw = sub.replace(/0\/24$/, '1');
    const gatewayMac = (h: SimHost, service: string) => {
      const arp = ok(h.berth('-f', file, 'exec', '-T', service, 'sh', '-c', `ping -c 1 -W 1 ${gw} >/dev/null; cat /proc/net/arp`), 'arp');
      return arp.split('\n').find((l) => l.startsWith(`${gw} `))?.split(/\s+/)[3];
    };
    assert.equal(gatewayMac(h1, 'client'), bridgeMac(h1));
    assert.equal(gatewayMac(h2, 'web'), bridgeMac(h2));

    // logs from n1: every node's lines, merged by time as one host prints them (db started before web: web waited for it).
    r = h1.berth('-f', file, 'logs');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^db-1 +\| db-started\n(.*\n)*web-1 +\| web-started\n/m);
    assert.equal(ok(h1.berth('-p', name, 'logs', '--no-log-prefix', 'web'), 'logs web'), 'web-started\n');
    assert.match(ok(h3.berth('-f', file, 'logs', '-t', '--tail', '1', 'web'), 'logs -t'), /^web-1 +\| \d{4}-\d\d-\d\dT[\d:.]+Z web-started\n$/);
    assert.equal(ok(h1.berth('-f', file, 'logs', '--since', '2000-01-01T00:00:00Z', '--until', '2001-01-01T00:00:00Z'), 'logs --until'), '');
    // logs -f from n1 sees a line web (n2) prints later, and stops on SIGINT.
    const follow = h1.start('-p', name, 'logs', '-f', '--no-log-prefix', 'web');
    let followed = '';
    follow.stdout!.on('data', (d: Buffer) => { followed += d.toString(); });
    const followEnd = new Promise<number | null>((res) => follow.on('close', (code) => res(code)));
    await until('logs -f shows the first line', () => followed.includes('web-started\n'));
    ok(h2.berth('-f', file, 'exec', '-T', 'web', 'sh', '-c', 'echo web-later > /proc/1/fd/1'), 'print into web\'s log');
    await until(() => `logs -f shows the new line (has ${JSON.stringify(followed)})`, () => followed.includes('web-later\n'));
    follow.kill('SIGINT');
    assert.equal(await followEnd, 0);
    assert.equal(followed, 'web-started\nweb-later\n');

    // exec -T from n1 of db (n3): its output and its exit code; -e, -w, -u, --index.
    r = h1.berth('-f', file, 'exec', '-T', 'db', 'sh', '-c', 'echo hi; echo oops >&2; exit 3');
    assert.deepEqual([r.status, r.stdout, r.stderr], [3, 'hi\n', 'oops\n']);
    r = h1.berth('-p', name, 'exec', '-T', '-e', 'GREETING=hello', '-w', '/tmp', '-u', '1000', '--index', '1', 'db', 'sh', '-c', 'echo $GREETING $(pwd) $(id -u)');
    assert.deepEqual([r.status, r.stdout], [0, 'hello /tmp 1000\n'], r.stderr);
    r = h1.berth('-f', file, 'exec', '-T', '--index', '2', 'db', 'true');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^[^\n]*\n$/, 'one error line');
    // An interactive exec across nodes is refused: etcd carries no terminal.
    r = h1.berth('-f', file, 'exec', '-t', 'db', 'true');
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'service db runs on node n3: an interactive exec there needs a terminal relay, which etcd does not carry; use -T (output and exit code come back, stdin is not forwarded)\n');
    // Nothing of those requests is left in etcd.
    for (const p of ['requests', 'responses']) assert.equal(etcd.ctl(['get', '--prefix', '--keys-only', `/berth/${p}/`]), '', `nothing left under /berth/${p}/`);

    // A second up changes nothing and moves nothing.
    r = h2.berth('-f', file, 'up', '-d');
    assert.equal(r.status, 0, r.stderr);
    const again = ok(h1.berth('-f', file, 'ps', '--format', 'json'), 'ps').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(again.map((x) => [x.Service, x.Node, x.ID]), rows.map((x) => [x.Service, x.Node, x.ID]));

    // down on n2, by name only: every node withdraws its part.
    r = h2.berth('-p', name, 'down');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, `project ${name} removed from nodes n1, n2, n3\n`);
    for (const h of [h1, h2, h3]) {
      assert.equal(ok(h.berth('-p', name, 'ps', '-a', '-q'), `ps on ${h.name}`), '', `no container of the project left on ${h.name}`);
      assert.doesNotMatch(ok(h.berth('network', 'ls'), 'network ls'), new RegExp(`${name}_mesh`), `network removed on ${h.name}`);
    }
    for (const p of ['projects', 'containers', 'held', 'errors', 'netdefs']) {
      assert.equal(etcd.ctl(['get', '--prefix', '--keys-only', `/berth/${p}/`]), '', `nothing left under /berth/${p}/`);
    }
    for (const h of [h1, h2, h3]) ok(h.berth('node', 'leave'), `leave ${h.name}`);
  } finally {
    for (const h of u?.hosts ?? []) {
      h.berth('node', 'leave');
      try { process.kill(Number(readFileSync(join(h.root, 'cluster', 'agent.pid'), 'utf8')), 'SIGKILL'); } catch { /* gone */ }
      // Whatever the agents left: a local down once the node has left the cluster.
      h.berth('-p', name, 'down', '-v', '-t', '0');
      h.berth('network', 'prune');
      try { process.kill(JSON.parse(readFileSync(join(h.root, 'run', 'dns', 'server.json'), 'utf8')).pid, 'SIGKILL'); } catch { /* gone */ }
      sh('nsenter', [`--net=${h.ns}`, 'nft', 'delete', 'table', 'inet', h.table]);
    }
    await etcd?.stop();
    u?.cleanup();
    tmp.cleanup();
  }
});
