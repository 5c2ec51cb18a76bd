// SIGKILL of the CLI at named points of `up` and `down`
// (BERTH_TEST_CRASH_AT): the next command converges and nothing leaks.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { freePort, leftovers, makeWorld, ps, teardown } from './harness.js';

const COMPOSE = `services:
  db:
    image: berth-examples/busybox:latest
    init: true
    command: ["sleep", "300"]
    volumes: [data:/data, /scratch]
  app:
    image: berth-examples/busybox:latest
    init: true
    command: ["sleep", "300"]
    depends_on: [db]
volumes:
  data: {}
`;

test('SIGKILL in the middle of up and down: the next command converges, nothing leaks', { skip: !isRoot, timeout: 180_000 }, (t) => {
  const w = makeWorld();
  const project = `cr${shortId(6)}`;
  const file = join(w.root, 'compose.yaml');
  writeFileSync(file, COMPOSE);
  const base = ['-p', project, '-f', file];
  t.after(() => teardown(w, base));
  const seen = new Set<string>();
  const netns = () => { try { return readdirSync(join(w.root, 'run/netns')).length; } catch { return 0; } };

  const converged = () => {
    w.ok([...base, 'up', '-d']);
    const cs = ps(w, base);
    for (const c of cs) seen.add(c.ID);
    assert.deepEqual(cs.map((c) => `${c.Name}:${c.State}`).sort(), [`${project}-app-1:running`, `${project}-db-1:running`]);
    assert.equal(netns(), 2, 'one netns per container, none left over');
    assert.deepEqual(readdirSync(join(w.root, 'projects', project, 'pending')), []);
    const vols = readdirSync(join(w.root, 'volumes')).filter((v) => !v.startsWith('.'));
    assert.equal(vols.length, 2, `the named volume and db's one anonymous volume: ${vols.join(' ')}`);
  };

  for (const [point, after] of [['network-created', '0'], ['create-network', '0'], ['create-network', '1'], ['create-copy-up', '0'], ['create-name-reserved', '1'], ['container-started', '0']] as const) {
    // After the first round, --force-recreate makes the crash land in a recreate.
    const r = w.berth([...base, 'up', '-d', '--force-recreate'], { BERTH_TEST_CRASH_AT: point, BERTH_TEST_CRASH_AFTER: after });
    assert.equal(r.signal, 'SIGKILL', `up crashed at ${point}#${after}: ${r.stderr}`);
    for (const c of ps(w, base)) seen.add(c.ID);
    converged();
  }

  // container-removed #0 and #1: whichever container goes first, a crash
  // right after its removal must not leak its anonymous volume.
  const downPoints = [['remove-network', '0'], ['container-removed', '0'], ['container-removed', '1']] as const;
  for (const [i, [point, after]] of downPoints.entries()) {
    const r = w.berth([...base, 'down', '-v'], { BERTH_TEST_CRASH_AT: point, BERTH_TEST_CRASH_AFTER: after });
    assert.equal(r.signal, 'SIGKILL', `down crashed at ${point}#${after}: ${r.stderr}`);
    if (i < downPoints.length - 1) converged();
  }
  w.ok([...base, 'down', '-v']);
  assert.deepEqual(leftovers(w, [...seen]), []);
  assert.equal(w.ok([...base, 'ps', '-a', '-q']).trim(), '');
});

const SERVED = (port: number) => `services:
  web:
    image: berth-examples/busybox:latest
    stop_signal: SIGKILL
    command: ["nc", "-ll", "-p", "8080", "-e", "echo", "web-answers"]
    ports: ["127.0.0.1:${port}:8080"]
  client:
    image: berth-examples/busybox:latest
    stop_signal: SIGKILL
    command: ["sleep", "300"]
`;

/** The first line a TCP server on 127.0.0.1:port sends, or '' (polled until the deadline). */
async function answer(port: number, deadlineMs = 10_000): Promise<string> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const got = await new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      let buf = '';
      s.setTimeout(2000, () => s.destroy());
      s.on('data', (d) => { buf += d.toString(); });
      s.on('close', () => resolve(buf.trim()));
      s.on('error', () => resolve(''));
    });
    if (got || Date.now() > end) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('down killed at every point of its teardown: the next up -d brings back a reachable stack', { skip: !isRoot, timeout: 400_000 }, async (t) => {
  const w = makeWorld();
  const project = `cd${shortId(6)}`;
  const port = await freePort();
  const file = join(w.root, 'compose.yaml');
  writeFileSync(file, SERVED(port));
  const base = ['-p', project, '-f', file];
  t.after(() => teardown(w, base));
  const seen = new Set<string>();
  const answers = async (what: string) => {
    w.ok([...base, 'up', '-d']);
    for (const c of ps(w, base)) seen.add(c.ID);
    assert.equal(await answer(port), 'web-answers', `${what}: web answers on its published port`);
    const r = w.berth([...base, 'exec', '-T', 'client', 'nc', '-w', '3', 'web', '8080']);
    assert.equal(r.stdout.trim(), 'web-answers', `${what}: client reaches web by name: ${r.stderr}`);
  };
  await answers('first up');
  // Both containers pass each point: #0 is the first to get there, #1 the second.
  const points = ['endpoint-marked', 'endpoint-veths-dropped', 'endpoint-unpublished', 'endpoint-detached', 'remove-network', 'container-removed'];
  for (const point of points) {
    // #1 as well where the two containers' teardowns interleave differently.
    for (const after of point === 'endpoint-veths-dropped' || point === 'remove-network' ? ['0', '1'] : ['0']) {
      const r = w.berth([...base, 'down'], { BERTH_TEST_CRASH_AT: point, BERTH_TEST_CRASH_AFTER: after });
      assert.equal(r.signal, 'SIGKILL', `down crashed at ${point}#${after}: ${r.stderr}`);
      await answers(`after down killed at ${point}#${after}`);
      // restart and stop/start keep it whole too.
      if (point === 'endpoint-veths-dropped' && after === '0') {
        w.ok([...base, 'restart', '-t', '0']);
        assert.equal(await answer(port), 'web-answers', 'after restart');
      }
    }
  }
  w.ok([...base, 'down', '-v']);
  assert.deepEqual(leftovers(w, [...seen]), []);
});
