// Compose post_start / pre_stop hooks as docker compose 2.30+ runs them:
// post_start exec'd in each container after it starts (user, working_dir,
// environment, privileged honoured), pre_stop before stop and down; a failing
// hook fails the step with its exit status.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { leftovers, makeWorld, ps, teardown } from './harness.js';

const CAP_SYS_ADMIN = 21n;

test('post_start and pre_stop hooks', { skip: !isRoot, timeout: 120_000 }, (t) => {
  const w = makeWorld();
  const project = `hk${shortId(6)}`;
  const out = join(w.root, 'out');
  mkdirSync(out);
  chmodSync(out, 0o777); // the first hook runs as nobody
  const log = join(out, 'hooks.log');
  const file = join(w.root, 'compose.yaml');
  writeFileSync(file, `services:
  app:
    image: berth-examples/busybox:latest
    init: true
    command: ["sleep", "300"]
    volumes: ["${out}:/out"]
    post_start:
      - command: sh -c 'echo "post_start uid=$$(id -u) cwd=$$PWD greeting=$$GREETING" >> /out/hooks.log'
        user: nobody
        working_dir: /tmp
        environment:
          GREETING: hello there
      - command: ["sh", "-c", "awk '/^CapEff/ {print \\"post_start caps=\\" $$2}' /proc/self/status >> /out/hooks.log"]
        privileged: true
    pre_stop:
      - command: ["sh", "-c", "echo pre_stop uid=$$(id -u) >> /out/hooks.log"]
  bad:
    image: berth-examples/busybox:latest
    profiles: [bad]
    command: ["sleep", "300"]
    post_start:
      - command: ["sh", "-c", "echo cannot go on; exit 3"]
`);
  const base = ['-p', project, '-f', file];
  t.after(() => teardown(w, base));
  const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);

  w.ok([...base, 'up', '-d']);
  const started = lines();
  assert.equal(started[0], 'post_start uid=65534 cwd=/tmp greeting=hello there');
  const caps = BigInt(`0x${/^post_start caps=([0-9a-f]+)$/.exec(started[1] ?? '')?.[1] ?? '0'}`);
  assert.ok((caps >> CAP_SYS_ADMIN) & 1n, `privileged hook has CAP_SYS_ADMIN (CapEff ${started[1]})`);
  assert.equal(started.length, 2);

  w.ok([...base, 'stop', '-t', '1']);
  assert.deepEqual(lines().slice(2), ['pre_stop uid=0']);
  w.ok([...base, 'start']);
  assert.equal(lines().length, 5, 'start runs post_start again');
  w.ok([...base, 'restart', '-t', '1']);
  assert.deepEqual(lines().slice(5, 6), ['pre_stop uid=0'], 'restart: pre_stop, then post_start');
  assert.equal(lines().length, 8);

  const r = w.berth([...base, '--profile', 'bad', 'up', '-d', 'bad']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /post_start hook \["sh","-c","echo cannot go on; exit 3"\] in \S+-bad-1 exited with status 3: cannot go on/);

  const ids = ps(w, [...base, '--profile', 'bad']).map((c) => c.ID);
  w.ok([...base, '--profile', 'bad', 'down', '-v', '-t', '1']);
  assert.equal(lines().at(-1), 'pre_stop uid=0', 'down runs pre_stop');
  assert.equal(lines().length, 9);
  assert.deepEqual(leftovers(w, ids), []);
});
