// Compose-level `berth pull`, `push` and `images` on a project, against
// Debian's docker-registry on loopback: which services are pulled or pushed
// (pull_policy, --policy, --include-deps, build:), failures and their flags,
// and one `images` row per container.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { berthBin, isRoot, repoRoot, shortId, tempDir } from '../../helpers/env.js';
import { startRegistry } from '../../helpers/registry.js';
import { makeWorld, teardown } from '../project/harness.js';

const compose = (reg: string) => `services:
  app:
    image: ${reg}/proj/app:1
    build: {context: ., tags: ["${reg}/proj/app:extra"]}
    network_mode: none
    init: true
    command: ["sleep", "300"]
  web:
    image: ${reg}/proj/web:1
    network_mode: none
    depends_on: [app]
  local:
    image: berth-examples/busybox:latest
    pull_policy: never
    network_mode: none
    init: true
    command: ["sleep", "300"]
  ghost:
    image: ${reg}/proj/ghost:1
    profiles: [ghost]
  unbuilt:
    image: ${reg}/proj/unbuilt:1
    build: .
    profiles: [unbuilt]
`;

test('berth pull / push / images on a project', { skip: !isRoot, timeout: 180_000 }, async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  const w = makeWorld();
  const file = join(w.root, 'compose.yaml');
  writeFileSync(file, compose(reg.host));
  const base = ['-p', `ci${shortId(6)}`, '-f', file];
  t.after(() => teardown(w, base));
  const other = tempDir('berth-pull-b-');
  t.after(() => other.cleanup());
  // A second, empty state root pulls what the first pushed.
  const inB = (args: string[]) => spawnSync(berthBin, ['--root', other.path, ...base, ...args], { cwd: repoRoot, env: { ...w.env, BERTH_ROOT: other.path }, encoding: 'utf8', timeout: 60_000 });
  const refsB = () => spawnSync(berthBin, ['--root', other.path, 'image', 'ls', '--format', 'json'], { encoding: 'utf8' }).stdout;

  w.ok(['image', 'tag', 'berth-examples/busybox:latest', `${reg.host}/proj/app:1`]);
  w.ok(['image', 'tag', 'berth-examples/busybox:latest', `${reg.host}/proj/app:extra`]); // as a build would tag it
  w.ok(['image', 'tag', 'berth-examples/busybox:latest', `${reg.host}/proj/web:1`]);

  // push: only services with build: and image:, under every tag; the rest are skipped.
  const pushed = w.ok([...base, 'push']);
  assert.match(pushed, /app {2}Pushed - 127\.0\.0\.1:\d+\/proj\/app:1/);
  assert.match(pushed, /app {2}Pushed - 127\.0\.0\.1:\d+\/proj\/app:extra/);
  assert.match(pushed, /web {2}Skipped/);
  assert.match(pushed, /local {2}Skipped/);
  const unbuilt = w.berth(['--profile', 'unbuilt', ...base, 'push']);
  assert.equal(unbuilt.status, 1, unbuilt.stderr);
  assert.match(unbuilt.stderr, /no such image: .*unbuilt:1/);
  const ignored = w.berth(['--profile', 'unbuilt', ...base, 'push', '--ignore-push-failures', '-q']);
  assert.equal(ignored.status, 0, ignored.stderr);
  assert.match(ignored.stderr, /warning: pushing unbuilt: no such image/);
  assert.doesNotMatch(ignored.stderr, /Pushed/, '-q prints no progress');
  w.ok(['image', 'push', `${reg.host}/proj/web:1`]);

  // pull SERVICE: that service only; --include-deps adds what it depends on.
  let r = inB(['pull', 'web']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /web {2}Pulled/);
  assert.match(refsB(), /proj\/web/);
  assert.doesNotMatch(refsB(), /proj\/app/);
  r = inB(['pull', '--include-deps', 'web']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /app {2}Pulled/);
  assert.match(refsB(), /proj\/app/);

  // No policy: pull again (pull_policy never is honoured); --policy missing skips present images.
  r = inB(['pull']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /app {2}Pulled/);
  assert.match(r.stderr, /local {2}Skipped - pull_policy never/);
  r = inB(['pull', '--policy', 'missing', 'app', 'web']); // --policy overrides pull_policy: never too, so not local

  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /web {2}Skipped - Image is already present locally/);
  assert.doesNotMatch(r.stderr, /Pulled/);

  // An image the registry lacks fails the pull, unless ignored; a buildable one only warns.
  r = inB(['--profile', 'ghost', 'pull', 'ghost']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /manifest unknown/);
  r = inB(['--profile', 'ghost', 'pull', '--ignore-pull-failures', 'ghost']);
  assert.equal(r.status, 0, r.stderr);
  r = inB(['--profile', 'unbuilt', 'pull', 'unbuilt']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /must be built from source: unbuilt/);
  r = inB(['pull', 'nope']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no such service: nope/);

  // images: one row per container of the project.
  w.ok([...base, 'create', 'app', 'local']);
  const table = w.ok([...base, 'images']);
  const lines = table.trim().split('\n');
  assert.match(lines[0]!, /^CONTAINER\s+REPOSITORY\s+TAG\s+IMAGE ID\s+SIZE$/);
  assert.equal(lines.length, 3, table);
  assert.match(table, new RegExp(`-app-1\\s+127\\.0\\.0\\.1:\\d+/proj/app\\s+1\\s+[0-9a-f]{12}\\s+\\d`));
  assert.match(table, /-local-1\s+berth-examples\/busybox\s+latest\s+[0-9a-f]{12}/);
  const rows = JSON.parse(w.ok([...base, 'images', '--format', 'json', 'local'])) as Array<{ ContainerName: string; ID: string; Size: number }>;
  assert.equal(rows.length, 1);
  assert.match(rows[0]!.ContainerName, /-local-1$/);
  assert.ok(rows[0]!.Size > 0);
  // app and local run the same image: -q lists it once.
  const ids = w.ok([...base, 'images', '-q']).trim().split('\n');
  assert.deepEqual(ids, [rows[0]!.ID.replace(/^sha256:/, '')]);
});
