// Shared namespaces on real containers: pid/ipc `service:x` join the other
// container's namespaces (again after it restarts), `pid: host` and
// `uts: host` use the host's; a missing target is one clear error; recreating
// a service recreates the one using its network namespace, which keeps
// working networking.
import assert from 'node:assert/strict';
import { readlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { leftovers, makeWorld, ps, teardown, type World } from './harness.js';

const COMPOSE = `services:
  a:
    image: berth-examples/busybox:latest
    stop_signal: SIGKILL
    command: ["sleep", "301"]
    ipc: shareable
  b:
    image: berth-examples/busybox:latest
    stop_signal: SIGKILL
    command: ["sleep", "302"]
    pid: "service:a"
    ipc: "service:a"
  h:
    image: berth-examples/busybox:latest
    stop_signal: SIGKILL
    command: ["sleep", "303"]
    pid: host
    uts: host
    network_mode: none
  web:
    image: berth-examples/busybox:latest
    stop_signal: SIGKILL
    environment: ["V=\${V:-1}"]
    command: ["sh", "-c", "exec nc -ll -p 8080 -e echo web-$$V"]
  side:
    image: berth-examples/busybox:latest
    stop_signal: SIGKILL
    command: ["sleep", "304"]
    network_mode: "service:web"
  peer:
    image: berth-examples/busybox:latest
    stop_signal: SIGKILL
    command: ["nc", "-ll", "-p", "8080", "-e", "echo", "peer"]
  lost:
    image: berth-examples/busybox:latest
    stop_signal: SIGKILL
    profiles: [lost]
    pid: "container:no-such-container-\${SUFFIX}"
`;

function exec(w: World, base: string[], svc: string, cmd: string[]): string {
  const r = w.berth([...base, 'exec', '-T', svc, ...cmd]);
  assert.equal(r.status, 0, `exec ${svc} ${cmd.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

test('pid, ipc and uts modes; the recreation cascade through network_mode service:', { skip: !isRoot, timeout: 150_000 }, (t) => {
  const w = makeWorld();
  const project = `ns${shortId(6)}`;
  const file = join(w.root, 'compose.yaml');
  writeFileSync(file, COMPOSE);
  const base = ['-p', project, '-f', file];
  t.after(() => teardown(w, base));
  const suffix = shortId(6);
  w.env.SUFFIX = suffix; // the environment of every berth command of this world
  const env = {};

  w.ok([...base, 'up', '-d'], env);
  const ids1 = Object.fromEntries(ps(w, base).map((c) => [c.Service, c.ID]));

  // b lives in a's pid and ipc namespaces: it sees a's process, a sees b's.
  // One exec per container: its pid, ipc, uts and net namespaces.
  const nsOf = (svc: string) => {
    const [pid, ipc, uts, net] = exec(w, base, svc, ['sh', '-c', 'for n in pid ipc uts net; do readlink /proc/self/ns/$n; done']).split('\n');
    return { pid, ipc, uts, net };
  };
  const [na, nb] = [nsOf('a'), nsOf('b')];
  assert.equal(nb.pid, na.pid);
  assert.equal(nb.ipc, na.ipc);
  assert.notEqual(nb.uts, na.uts);
  assert.notEqual(nb.net, na.net);
  // a sees b's process; a is shareable: b mounts the same /dev/shm (POSIX shared memory).
  assert.match(exec(w, base, 'a', ['sh', '-c', 'echo from-a > /dev/shm/seg; ps -o args']), /sleep 302/);
  assert.equal(exec(w, base, 'b', ['cat', '/dev/shm/seg']), 'from-a');
  // After a restarts (a new pid), b joins the new namespace.
  w.ok([...base, 'stop', '-t', '0', 'b', 'a']);
  w.ok([...base, 'start', 'a', 'b']);
  assert.equal(nsOf('b').pid, nsOf('a').pid);

  // h uses the host's pid namespace and hostname.
  const [hPid, hUts, hName] = exec(w, base, 'h', ['sh', '-c', 'readlink /proc/self/ns/pid; readlink /proc/self/ns/uts; hostname']).split('\n');
  assert.deepEqual([hPid, hUts, hName], [readlinkSync('/proc/self/ns/pid'), readlinkSync('/proc/self/ns/uts'), hostname()]);

  // A target that does not exist: one line naming it, nothing left behind.
  const lost = w.berth([...base, '--profile', 'lost', 'up', '-d', 'lost'], env);
  assert.equal(lost.status, 1, lost.stderr);
  const lines = lost.stderr.trim().split('\n');
  assert.match(lines[lines.length - 1], new RegExp(`pid "container:no-such-container-${suffix}": no such container: no-such-container-${suffix}`));
  assert.equal(ps(w, base).some((c) => c.Service === 'lost'), false);

  // side shares web's netns: it reaches web on loopback and peer by address.
  const peerIp = /inet (\d+\.\d+\.\d+\.\d+)/.exec(exec(w, base, 'peer', ['ip', '-4', '-o', 'addr', 'show', 'eth0']))![1];
  // (the servers may still be starting: a few tries)
  const get = (host: string) => exec(w, base, 'side', ['sh', '-c', `for i in 1 2 3 4 5 6 7 8 9 10; do nc -w 2 ${host} 8080 </dev/null && exit 0; sleep 0.3; done; exit 1`]);
  assert.equal(get('127.0.0.1'), 'web-1');
  assert.equal(get(peerIp), 'peer');

  // web changes: web and side are recreated; side still has working networking.
  const plan = w.ok([...base, '--dry-run', 'up', '-d'], { ...env, V: '2' });
  assert.match(plan, /Container .*-side-1 {2}Recreate {2}\(shares web, recreated\)/);
  w.ok([...base, 'up', '-d'], { ...env, V: '2' });
  const ids2 = Object.fromEntries(ps(w, base).map((c) => [c.Service, c.ID]));
  assert.notEqual(ids2.web, ids1.web);
  assert.notEqual(ids2.side, ids1.side);
  assert.equal(ids2.peer, ids1.peer);
  assert.equal(ids2.a, ids1.a);
  assert.equal(nsOf('side').net, nsOf('web').net);
  assert.equal(get('127.0.0.1'), 'web-2');
  assert.equal(get(peerIp), 'peer');
  // And a is recreated: b follows (it holds a's pid namespace).
  w.ok([...base, 'up', '-d', '--force-recreate', '--no-deps', 'a'], { ...env, V: '2' });
  const ids3 = Object.fromEntries(ps(w, base).map((c) => [c.Service, c.ID]));
  assert.notEqual(ids3.a, ids2.a);
  assert.notEqual(ids3.b, ids2.b);
  assert.equal(nsOf('b').pid, nsOf('a').pid);

  const all = [...new Set([...Object.values(ids1), ...Object.values(ids2), ...Object.values(ids3)])];
  w.ok([...base, 'down', '-v', '-t', '0'], env);
  assert.deepEqual(leftovers(w, all), []);
});
