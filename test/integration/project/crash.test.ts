// SIGKILL of the CLI at named points of `up` and `down`
// (BERTH_TEST_CRASH_AT): the next command converges and nothing leaks.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { leftovers, makeWorld, ps, teardown } from './harness.js';

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
