// A container made with `container run -d` through its life: published port
// fetched on loopback, ls (-a, -q, --format, --filter), port, logs, exec
// changing a file and cp taking it out (a debug session), stop/start, kill,
// wait, rename, rm, prune; nothing left behind.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot } from '../../helpers/env.js';
import { fetchOnce, freePort, leftovers, makeWorld } from '../project/harness.js';
import { berthAsync, openFiles, engineTeardown, fetchWhenUp, IMAGE, removeEngineObjects, until } from './harness.js';

test('container run -d, then ls, port, logs, exec, cp, stop/start, kill, wait, rename, rm and prune', { skip: !isRoot, timeout: 180_000 }, async () => {
  const w = makeWorld();
  try {
    const port = await freePort();
    const id = w.ok(['container', 'run', '-d', '--name', 'web', '-p', `127.0.0.1:${port}:80`, '--label', 'role=front',
      IMAGE, 'sh', '-c', 'mkdir -p /srv; echo started; exec httpd -f -p 80 -h /srv']).trim();
    assert.match(id, /^[0-9a-f]{64}$/, 'run -d prints the full id');
    w.ok(['container', 'create', '--name', 'idle', IMAGE, 'true']);

    // ls: running ones by default, -a adds the created one; -q, --no-trunc, --format, --filter.
    assert.equal(w.ok(['container', 'ls', '-q']), `${id.slice(0, 12)}\n`);
    assert.equal(w.ok(['container', 'ls', '-aq', '--no-trunc']).split('\n').filter(Boolean).length, 2);
    assert.equal(w.ok(['container', 'ls', '-a', '--format', '{{.Names}} {{.State}} {{.Label "role"}}']), 'idle created \nweb running front\n');
    assert.equal(w.ok(['container', 'ls', '-a', '--filter', 'label=role=front', '--format', '{{.Names}}']), 'web\n');
    const json = JSON.parse(w.ok(['container', 'ls', '--format', 'json']).trim()) as Record<string, string>;
    assert.equal(json.Names, 'web');
    assert.equal(json.Ports, `127.0.0.1:${port}->80/tcp`);
    assert.match(w.ok(['container', 'ls']), /^CONTAINER ID {3}IMAGE {2,}COMMAND {2,}CREATED {2,}STATUS {2,}PORTS {2,}NAMES\n/);
    const badFormat = w.berth(['container', 'ls', '--format', '{{.Nope}}']);
    assert.equal(badFormat.status, 15);
    assert.match(badFormat.stderr, /no field Nope/);

    // port, and the published port on loopback; exec changes what it serves; cp takes the file out.
    assert.equal(w.ok(['container', 'port', 'web']), `80/tcp -> 127.0.0.1:${port}\n`);
    assert.equal(w.ok(['container', 'port', 'web', '80']), `127.0.0.1:${port}\n`);
    w.ok(['container', 'exec', 'web', 'sh', '-c', 'echo debug-edit > /srv/index.html']);
    assert.equal(await fetchWhenUp(port, '/index.html'), 'debug-edit\n');
    const exitPassed = w.berth(['container', 'exec', 'web', 'sh', '-c', 'exit 7']);
    assert.equal(exitPassed.status, 7, 'exec passes the exit code through');
    const out = join(w.root, 'copied.html');
    w.ok(['container', 'cp', 'web:/srv/index.html', out]);
    assert.equal(readFileSync(out, 'utf8'), 'debug-edit\n');
    assert.equal(w.ok(['container', 'logs', 'web']), 'started\n');
    assert.match(w.ok(['container', 'top', 'web']), /httpd -f -p 80 -h \/srv/);

    // stop and start keep the container's changes and its port.
    assert.equal(w.ok(['container', 'stop', '-t', '0', 'web']), 'web\n');
    assert.match(w.ok(['container', 'ls', '-a', '--filter', 'name=web', '--format', '{{.Status}}']), /^Exited \(137\)/);
    assert.equal(w.ok(['container', 'start', 'web']), 'web\n');
    assert.equal(await fetchWhenUp(port, '/index.html'), 'debug-edit\n');

    // rename: the new name serves every verb, the old one is free.
    w.ok(['container', 'rename', 'web', 'front']);
    const gone = w.berth(['container', 'logs', 'web']);
    assert.equal(gone.status, 1);
    assert.equal(gone.stderr, 'No such container: web\n');

    // pause (exec refused meanwhile), unpause, restart.
    assert.equal(w.ok(['container', 'pause', 'front']), 'front\n');
    assert.match(w.ok(['container', 'ls', '--format', '{{.Status}}']), /\(Paused\)\n$/);
    const paused = w.berth(['container', 'exec', 'front', 'true']);
    assert.equal(paused.status, 1);
    assert.match(paused.stderr, /is paused, unpause the container before exec/);
    assert.equal(w.ok(['container', 'unpause', 'front']), 'front\n');
    assert.equal(w.ok(['container', 'restart', '-t', '0', 'front']), 'front\n');
    assert.equal(await fetchWhenUp(port, '/index.html'), 'debug-edit\n');

    // attach: the output from then on, and the container's exit code.
    const waiter = w.ok(['container', 'run', '-d', IMAGE, 'sh', '-c', 'while [ ! -f /go ]; do sleep 0.05; done; echo late; exit 4']).trim();
    const attached = berthAsync(w, ['container', 'attach', waiter]);
    // Attached once it reads the container's log (after its check that the container runs).
    await until('attach to read the log', () => (openFiles(attached.pid).some((f) => f.includes(waiter) && f.endsWith('.log')) ? true : undefined));
    w.ok(['container', 'exec', waiter, 'touch', '/go']);
    const done = await attached.result;
    assert.equal(done.code, 4, done.stderr);
    assert.match(done.stdout, /late\n$/);
    w.ok(['container', 'rm', waiter]);

    // kill, and wait prints the exit code; rm of a running one is refused without -f.
    const sleeper = w.ok(['container', 'run', '-d', IMAGE, 'sleep', '300']).trim();
    const refused = w.berth(['container', 'rm', sleeper.slice(0, 12)]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /container is running: stop the container before removing or force remove/);
    assert.equal(w.ok(['container', 'kill', 'front']), 'front\n');
    assert.equal(w.ok(['container', 'wait', 'front']), '137\n');
    await assert.rejects(fetchOnce(port, '/index.html'), 'a killed container publishes nothing');

    // prune removes the stopped ones (front, idle) and keeps the running one.
    const pruned = w.ok(['container', 'prune', '-f']);
    assert.match(pruned, new RegExp(`^Deleted Containers:\\n([0-9a-f]{64}\\n){2}\\nTotal reclaimed space: `));
    assert.ok(pruned.includes(id), 'front was pruned');
    assert.equal(w.ok(['container', 'ls', '-aq', '--no-trunc']), `${sleeper}\n`);
    assert.equal(w.ok(['container', 'rm', '-f', sleeper]), `${sleeper}\n`);

    // -d --rm: removed by the next command once it has exited.
    const brief = w.ok(['container', 'run', '-d', '--rm', IMAGE, 'true']).trim();
    await until('the detached --rm container to exit', () => {
      const st = w.ok(['container', 'ls', '-a', '--filter', `id=${brief}`, '--format', '{{.State}}']);
      return st === '' ? true : undefined;
    });
    removeEngineObjects(w);
    assert.deepEqual(leftovers(w, [id, sleeper, brief]), []);
  } finally {
    engineTeardown(w);
  }
});
