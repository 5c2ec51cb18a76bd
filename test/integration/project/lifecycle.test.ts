// The lifecycle commands on a real project: up --wait, stop, start, pause,
// unpause, kill -s, restart, rm -s -v, create, down --rmi; attached up with
// --exit-code-from; a failing start names the service, the step and the cause.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { leftovers, makeWorld, ps, teardown } from './harness.js';

const COMPOSE = `services:
  s1:
    image: berth-examples/busybox:latest
    init: true
    command: ["sleep", "300"]
    volumes: [/anon]
  s2:
    image: berth-examples/busybox:latest
    init: true
    command: ["sleep", "300"]
    healthcheck: {test: ["CMD", "true"], interval: 1s, start_period: 0s}
  job:
    image: berth-examples/busybox:latest
    profiles: [jobs]
    command: ["sh", "-c", "echo working; exit 7"]
  after:
    image: berth-examples/busybox:latest
    profiles: [jobs]
    depends_on: [s1]
    command: ["sh", "-c", "echo done"]
  broken:
    image: berth-examples/busybox:latest
    profiles: [broken]
    command: ["/app/server"]
`;

test('lifecycle commands, attached up exit codes, start errors', { skip: !isRoot, timeout: 120_000 }, (t) => {
  const w = makeWorld();
  const project = `lc${shortId(6)}`;
  const file = join(w.root, 'compose.yaml');
  writeFileSync(file, COMPOSE);
  const base = ['-p', project, '-f', file];
  t.after(() => teardown(w, base));
  const state = () => Object.fromEntries(ps(w, base).map((c) => [c.Service, c.State]));

  w.ok([...base, 'up', '-d', '--wait']);
  assert.deepEqual(state(), { s1: 'running', s2: 'running' });
  assert.equal(ps(w, base).find((c) => c.Service === 's2')!.Health, 'healthy');
  const ids = ps(w, base).map((c) => c.ID);

  w.ok([...base, 'stop', '-t', '1', 's1']);
  assert.deepEqual(state(), { s1: 'exited', s2: 'running' });
  w.ok([...base, 'start']);
  w.ok([...base, 'pause', 's2']);
  assert.deepEqual(state(), { s1: 'running', s2: 'paused' });
  w.ok([...base, 'unpause']);
  w.ok([...base, 'kill', '-s', 'TERM', 's1']);
  for (let i = 0; i < 50 && state().s1 !== 'exited'; i++) spinWait(100);
  assert.equal(state().s1, 'exited');
  w.ok([...base, 'restart', 's1']);
  assert.deepEqual(state(), { s1: 'running', s2: 'running' });
  assert.deepEqual(ps(w, base).map((c) => c.ID), ids, 'stop/start/restart keep the containers');

  w.ok([...base, 'rm', '-s', '-v', '-f', 's1']);
  assert.deepEqual(state(), { s2: 'running' });
  w.ok([...base, 'create', 's1']);
  assert.equal(state().s1, 'created');

  // Attached: the job's output with its prefix, and its exit code.
  const job = w.berth([...base, '--profile', 'jobs', 'up', '--no-color', '--exit-code-from', 'job', 'job']);
  assert.equal(job.status, 7, job.stderr);
  assert.match(job.stdout, /^job-1 {2}\| working$/m);
  assert.match(job.stdout, /^job-1 exited with code 7$/m);

  // The named service's end ends an attached up, as in docker compose: not the
  // dependencies attached with it (s1 runs on; it was only created).
  const after = w.berth([...base, '--profile', 'jobs', 'up', '--no-color', '--attach-dependencies', 'after']);
  assert.equal(after.status, 0, after.stderr);
  assert.match(after.stdout, /^after-1 {2}\| done$/m);
  assert.equal(state().s1, 'running');

  // A start that fails: one line naming the service, the step and the cause.
  const bad = w.berth([...base, '--profile', 'broken', 'up', '-d', 'broken']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr.trim().split('\n').pop()!, /^broken: start: .*\/app\/server.*no such file or directory/);

  const all = ps(w, base).map((c) => c.ID);
  w.ok([...base, '--profile', 'jobs', '--profile', 'broken', 'down', '-v', '-t', '0', '--rmi', 'all']);
  assert.deepEqual(leftovers(w, [...all, ...ids]), []);
  assert.equal(w.ok(['image', 'ls', '-q']).trim(), '', 'down --rmi all removed the image');
});

function spinWait(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
