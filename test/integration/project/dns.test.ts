// Names in real containers: with `dns:` set, the responder stays the
// container's nameserver (service names resolve), other names go to the
// servers given (a stub on a loopback address of this test, never outside),
// resolv.conf carries dns_search, dns_opt and ndots:0; a container of another
// network asking this network's gateway is refused; and the responder is
// supervised: SIGKILLed, `ps` and `network inspect` say so, `up -d` starts it again.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { stubDns } from '../network/helpers.js';
import { makeWorld, teardown, type World } from './harness.js';

const COMPOSE = (ownIp: string) => `services:
  web:
    image: berth-examples/busybox:latest
    stop_signal: SIGKILL
    command: ["sleep", "300"]
  client:
    image: berth-examples/busybox:latest
    stop_signal: SIGKILL
    command: ["sleep", "300"]
    dns: ["${ownIp}"]
    dns_search: [corp.berth.test]
    dns_opt: ["timeout:1"]
  other:
    image: berth-examples/busybox:latest
    stop_signal: SIGKILL
    command: ["sleep", "300"]
    networks: [back]
networks:
  back: {}
`;

const exec = (w: World, base: string[], svc: string, cmd: string[]) => w.berth([...base, 'exec', '-T', svc, ...cmd]);

test('dns: forwards from the responder; non-endpoints refused; a killed responder is seen and restarted', { skip: !isRoot, timeout: 150_000 }, async (t) => {
  const w = makeWorld();
  const project = `dns${shortId(6)}`;
  const file = join(w.root, 'compose.yaml');
  const base = ['-p', project, '-f', file];
  const global = await stubDns(w.root);
  const ownIp = `127.53.${Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
  const own = await stubDns(w.root, { host: ownIp, port: 53 });
  t.after(() => { teardown(w, base); global.close(); own.close(); });
  w.env.BERTH_DNS_UPSTREAMS = `127.0.0.1:${global.port}`;
  writeFileSync(file, COMPOSE(ownIp));
  w.ok([...base, 'up', '-d']);
  const net = (name: string) => JSON.parse(w.ok(['network', 'inspect', `${project}_${name}`]).trim())[0];
  const gw = net('default').IPAM.Config[0].Gateway as string;

  // resolv.conf: the responder, the search and options given, ndots:0 as Docker's embedded resolver.
  const rc = exec(w, base, 'client', ['cat', '/etc/resolv.conf']).stdout;
  assert.match(rc, new RegExp(`^nameserver ${gw.replace(/\./g, '\\.')}\\nsearch corp\\.berth\\.test\\noptions timeout:1 ndots:0\\n`), rc);
  assert.doesNotMatch(rc, new RegExp(`nameserver ${ownIp.replace(/\./g, '\\.')}`), 'the dns: server is not the nameserver');

  // Service names resolve with dns: set; other names go to its own server only.
  const webIp = exec(w, base, 'web', ['hostname', '-i']).stdout.trim();
  const byName = exec(w, base, 'client', ['nslookup', 'web.']);
  assert.equal(byName.status, 0, byName.stdout + byName.stderr);
  assert.match(byName.stdout, new RegExp(`Address: ${webIp.replace(/\./g, '\\.')}`));
  const fwd = exec(w, base, 'client', ['nslookup', 'stub.berth.test']);
  assert.match(fwd.stdout, /192\.0\.2\.123/, fwd.stdout + fwd.stderr);
  assert.ok(own.seen().includes('stub.berth.test'), `forwarded to the container's own server: ${own.seen()}`);
  assert.ok(!global.seen().includes('stub.berth.test'), 'not to the global upstream');
  assert.ok(!own.seen().includes('web') && !global.seen().includes('web'), 'service names never leave the responder');

  // A real container of another network asking this network's gateway: refused, nothing forwarded.
  const seen = own.seen().length + global.seen().length;
  const cross = exec(w, base, 'other', ['nslookup', 'stub.berth.test', gw]);
  assert.match(cross.stdout + cross.stderr, /REFUSED/, cross.stdout + cross.stderr);
  assert.equal(own.seen().length + global.seen().length, seen);

  // Supervision: SIGKILL the responder.
  const server = JSON.parse(readFileSync(join(w.root, 'run/dns/server.json'), 'utf8')) as { pid: number };
  process.kill(server.pid, 'SIGKILL');
  for (let i = 0; i < 200; i++) {
    try { process.kill(server.pid, 0); } catch { break; }
    if (readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z')) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const ps = w.berth([...base, 'ps']);
  assert.match(ps.stderr, /warning: the DNS responder is not running/, ps.stderr);
  assert.equal(net('default').DNS.Running, false, 'network inspect shows it down');
  const up = w.ok([...base, 'up', '-d']);
  assert.match(up, /warning: the DNS responder was not running .*started again/);
  assert.equal(net('default').DNS.Running, true);
  assert.deepEqual(net('default').DNS.Gateways, [gw]);
  const again = exec(w, base, 'client', ['nslookup', 'web.']);
  assert.match(again.stdout, new RegExp(`Address: ${webIp.replace(/\./g, '\\.')}`), again.stdout + again.stderr);
  assert.doesNotMatch(w.berth([...base, 'ps']).stderr, /DNS responder/);
  assert.doesNotMatch(w.ok([...base, 'up', '-d']), /DNS responder/, 'a live responder is left alone');
});
