// `berth system prune` (docker's: stopped containers, unused networks, dangling
// images, --volumes: unused anonymous volumes) and `berth system reset`
// (everything of the state root, the nftables table included), on real objects.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { leftovers, links, makeWorld, ps, teardown } from './harness.js';

test('system prune removes only what is stopped or unused; system reset removes everything', { skip: !isRoot, timeout: 180_000 }, async (t) => {
  const w = makeWorld();
  const project = `sy${shortId(6)}`;
  const file = join(w.root, 'compose.yaml');
  writeFileSync(file, [
    'services:',
    '  run:', '    image: berth-examples/busybox:latest', '    init: true', '    command: ["sleep", "300"]', '    volumes: ["named:/named", "/anon"]',
    '  done:', '    image: berth-examples/busybox:latest', '    command: ["true"]', '    volumes: ["/anon2"]',
    'volumes:', '  named:', '',
  ].join('\n'));
  const base = ['-p', project, '-f', file];
  const spare = `spare${shortId(6)}`;
  t.after(() => { w.berth(['network', 'rm', spare]); teardown(w, base); });

  w.ok([...base, 'up', '-d']);
  for (const end = Date.now() + 20_000; ps(w, base).find((c) => c.Service === 'done')?.State !== 'exited';) {
    assert.ok(Date.now() < end, 'done exits');
    await new Promise((r) => setTimeout(r, 100));
  }
  w.ok(['network', 'create', spare]);
  const before = ps(w, base);
  const done = before.find((c) => c.Service === 'done')!;

  // Without -f and without a terminal to ask on: refused, nothing removed.
  const asked = w.berth(['system', 'prune']);
  assert.equal(asked.status, 1, asked.stderr);
  assert.match(asked.stderr, /WARNING! This will remove:\n {2}- all stopped containers\n/);
  assert.match(asked.stderr, /system prune: not confirmed \(use -f\/--force to skip the prompt\)\n$/);
  assert.equal(ps(w, base).length, 2);

  const pruned = w.ok(['system', 'prune', '-f', '--volumes']);
  assert.match(pruned, new RegExp(`Deleted Containers:\\n${done.ID}[0-9a-f]*\\n`));
  assert.match(pruned, new RegExp(`Deleted Networks:\\n${spare}\\n`));
  assert.match(pruned, /Deleted Volumes:\n[0-9a-f]{64}\n\n/, 'the stopped container\'s anonymous volume');
  assert.match(pruned, /Total reclaimed space: /);
  const after = ps(w, base);
  assert.deepEqual(after.map((c) => [c.Service, c.State]), [['run', 'running']]);
  const vols = w.ok(['volume', 'ls', '-q']).trim().split('\n').sort();
  assert.equal(vols.length, 2, `named and run's anonymous volume stay: ${vols.join(' ')}`);
  assert.equal(links(w).length, 1, 'the project network stays: a container uses it');

  const reset = w.ok(['system', 'reset', '-f']);
  assert.match(reset, new RegExp(`Deleted Containers:\\n${after[0]!.ID}[0-9a-f]*\\n`));
  assert.match(reset, /Deleted Volumes:\n/);
  assert.deepEqual(ps(w, base), []);
  assert.equal(w.ok(['volume', 'ls', '-q']).trim(), '');
  assert.deepEqual(links(w), []);
  assert.deepEqual(leftovers(w, [done.ID, after[0]!.ID]), []);
});
