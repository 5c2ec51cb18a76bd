// What a container and a neighbour can reach (CVE-2020-8558 class), inside a
// namespace standing in for the host and a neighbour namespace on a veth:
// - a container, even root in its own namespace with a crafted route, never
//   reaches a service on the host's 127.0.0.1 (the bridges have
//   route_localnet=1 for 127.0.0.1-published ports);
// - a port published on 127.0.0.1 answers the host only, not a neighbour
//   routing 127.0.0.1 to the host;
// - a neighbour routing the container subnet to the host reaches a container
//   address only on a port published on every address (as Docker 28 does).
// Each refusal is checked against a control that succeeds on the same path,
// and the localnet ones again with berth's rule removed (so the rule is what
// stops them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot, repoRoot, shortId } from '../../helpers/env.js';
import { makeHostNs, type HostNs } from './host-ns.js';

const SECRET = `require('net').createServer((c) => c.end('secret\\n')).listen(7777, '127.0.0.1', () => process.stdout.write('ready\\n'));`;

/** Routes 127.0.0.1 out of eth0 to `via` inside netns `ns`, as an attacker root in it can. */
function routeLoopbackOut(run: (args: string[]) => { ok: boolean; out: string }, via: string): void {
  const script = [
    'echo 1 > /proc/sys/net/ipv4/conf/eth0/route_localnet',
    'ip rule add pref 1000 lookup local', 'ip rule del pref 0',
    'ip route add 127.0.0.1/32 via VIA dev eth0 table 100', 'ip rule add pref 10 to 127.0.0.1/32 lookup 100',
  ].join(' && ').replace('VIA', via);
  const r = run(['sh', '-c', script]);
  assert.ok(r.ok, r.out);
}

async function startSecret(h: HostNs): Promise<void> {
  const c = h.spawnIn([process.execPath, '-e', SECRET]);
  await new Promise<void>((ok, fail) => {
    const t = setTimeout(() => fail(new Error('the host service did not start')), 5000);
    c.stdout!.once('data', () => { clearTimeout(t); ok(); });
  });
}

/** Deletes berth's rule in `chain` whose text matches (inside the host netns), by handle. */
function deleteRule(h: HostNs, chain: string, text: RegExp): void {
  const listing = h.run(['nft', '-a', 'list', 'chain', 'inet', h.table, chain]).out;
  const line = listing.split('\n').find((l) => text.test(l));
  const handle = /# handle (\d+)/.exec(line ?? '')?.[1];
  assert.ok(handle, `no rule ${text} in ${chain}:\n${listing}`);
  assert.ok(h.run(['nft', 'delete', 'rule', 'inet', h.table, chain, 'handle', handle!]).ok);
}

test('isolation: no host loopback from containers or neighbours; container addresses only on ports published everywhere',
  { skip: !isRoot && 'needs root', timeout: 120_000 }, async () => {
    const h = await makeHostNs();
    const project = `is${shortId(6)}`;
    const file = join(h.root, '..', 'compose.yaml');
    writeFileSync(file, `name: ${project}
services:
  app:
    image: berth-examples/busybox:latest
    command: ["sh", "-c", "httpd -p 8081 -h /www && httpd -p 8082 -h /www && exec httpd -f -p 8080 -h /www"]
    ports: ["127.0.0.1:9080:8080", "9081:8081"]
    volumes: ["${join(repoRoot, 'examples/quickstart/web')}:/www:ro"]
    init: true
`);
    const base = ['-p', project, '-f', file];
    const neighbour = (args: string[]) => h.run(['nsenter', `--net=${h.upstream}`, ...args], 10_000);
    const get = (url: string) => ['busybox', 'timeout', '3', 'busybox', 'wget', '-qO-', url];
    const page = /Hello from berth/;
    try {
      await startSecret(h);
      h.ok([...base, 'up', '-d']);
      const nets = readdirSync(join(h.root, 'run/netns'));
      assert.equal(nets.length, 1);
      const cns = join(h.root, 'run/netns', nets[0]!);
      const inContainer = (args: string[]) => h.run(['nsenter', `--net=${cns}`, ...args], 10_000);
      const gw = /default via (\S+)/.exec(inContainer(['ip', 'route']).out)?.[1];
      const cip = /inet (\S+)\//.exec(inContainer(['ip', '-4', '-o', 'addr', 'show', 'eth0']).out)?.[1];
      assert.ok(gw && cip);

      // The host itself: its 127.0.0.1 service and the port published on 127.0.0.1.
      assert.match(h.run(['busybox', 'nc', '-w', '2', '127.0.0.1', '7777']).out, /secret/);
      for (let i = 0; !page.test(h.run(get('http://127.0.0.1:9080/')).out); i++) {
        assert.ok(i < 50, 'the host reaches its 127.0.0.1-published port');
        await new Promise((ok) => setTimeout(ok, 200));
      }

      // A container with a route for 127.0.0.1 through its gateway: the host's loopback stays out of reach.
      routeLoopbackOut(inContainer, gw!);
      assert.doesNotMatch(inContainer(['busybox', 'nc', '-w', '2', '127.0.0.1', '7777']).out, /secret/, 'a container reaches the host\'s 127.0.0.1');

      // A neighbour routing 127.0.0.1 and the container subnet to the host.
      routeLoopbackOut(neighbour, h.hostIp);
      assert.ok(neighbour(['ip', 'route', 'add', `${cip}/32`, 'via', h.hostIp]).ok);
      assert.match(neighbour(get(`http://${h.hostIp}:9081/`)).out, page, 'control: a port published on every address');
      assert.match(neighbour(get(`http://${cip}:8081/`)).out, page, 'the container port published on every address, routed directly (Docker 28)');
      assert.doesNotMatch(neighbour(get('http://127.0.0.1:9080/')).out, page, 'a neighbour reaches a port published on 127.0.0.1');
      assert.doesNotMatch(neighbour(get(`http://${cip}:8080/`)).out, page, 'a neighbour reaches the container port behind a 127.0.0.1 publication');
      assert.doesNotMatch(neighbour(get(`http://${cip}:8082/`)).out, page, 'a neighbour reaches an unpublished container port');
      assert.doesNotMatch(neighbour(['busybox', 'nc', '-w', '2', '127.0.0.1', '7777']).out, /secret/, 'a neighbour reaches the host\'s 127.0.0.1');

      // The same attempts with berth's localnet rules removed get through: those rules are what stop them.
      deleteRule(h, 'input', /ip daddr 127\.0\.0\.0\/8 .*drop/);
      assert.match(inContainer(['busybox', 'nc', '-w', '2', '127.0.0.1', '7777']).out, /secret/, 'the attack path works without the input rule');
      deleteRule(h, 'prerouting', /ip daddr 127\.0\.0\.0\/8 return/);
      assert.match(neighbour(get('http://127.0.0.1:9080/')).out, page, 'the neighbour path works without the prerouting rule');
    } finally {
      h.berth([...base, 'down', '-v', '-t', '0']);
      h.cleanup();
    }
  });
