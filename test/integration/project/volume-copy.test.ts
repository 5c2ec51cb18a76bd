// Volume copy-up through `up`: a new named or anonymous volume mounted where
// the image has content gets that content before the container starts (the
// container here runs from it); nocopy and bind mounts get nothing; a
// recreated container keeps the data it wrote. (And an external secret is
// refused before anything is created.)
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { leftovers, makeWorld, ps, teardown } from './harness.js';

const COMPOSE = `services:
  a:
    image: berth-examples/busybox:latest
    stop_signal: SIGKILL
    command: ["sleep", "300"]
    volumes: [bins:/bin, /etc]
  b:
    image: berth-examples/busybox:latest
    profiles: [raw]
    command: ["sleep", "300"]
    volumes:
      - {type: volume, source: raw, target: /bin, volume: {nocopy: true}}
      - {type: bind, source: ./host-etc, target: /etc}
  ext:
    image: berth-examples/busybox:latest
    profiles: [ext]
    secrets: [token]
volumes:
  bins: {}
  raw: {}
secrets:
  token:
    external: true
    name: shared-token
`;

test('up copies the image content into new volumes, except nocopy and binds', { skip: !isRoot, timeout: 120_000 }, (t) => {
  const w = makeWorld();
  const project = `vc${shortId(6)}`;
  const file = join(w.root, 'compose.yaml');
  writeFileSync(file, COMPOSE);
  mkdirSync(join(w.root, 'host-etc'));
  const base = ['-p', project, '-f', file];
  t.after(() => teardown(w, base));
  const data = (v: string) => join(w.root, 'volumes', v, '_data');
  const exec = (cmd: string) => {
    const r = w.berth([...base, 'exec', '-T', 'a', 'sh', '-c', cmd]);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };

  w.ok([...base, 'up', '-d']);
  // The container runs from the copied /bin: applet links stay links.
  assert.equal(exec('readlink /bin/sh && head -c 5 /etc/passwd'), 'busybox\nroot:');
  assert.equal(readlinkSync(join(data(`${project}_bins`), 'sh')), 'busybox');
  const record = JSON.parse(readFileSync(join(w.root, 'volumes', `${project}_bins`, 'volume.json'), 'utf8')) as { populatedAt?: string };
  assert.ok(record.populatedAt, 'the volume is recorded as populated');
  const anon = readdirSync(join(w.root, 'volumes')).filter((n) => /^[a-f0-9]{64}$/.test(n));
  assert.equal(anon.length, 1);
  assert.ok(existsSync(join(data(anon[0]), 'passwd')));

  // What the container wrote survives a recreate: nothing is copied over it.
  exec('echo mine > /etc/passwd');
  const before = ps(w, base).map((c) => c.ID);
  w.ok([...base, 'up', '-d', '--force-recreate']);
  assert.equal(exec('cat /etc/passwd'), 'mine');

  // nocopy and bind mounts: nothing copied (b is only created: it could not run).
  w.ok([...base, '--profile', 'raw', 'create', 'b']);
  assert.deepEqual(readdirSync(data(`${project}_raw`)), []);
  assert.equal(existsSync(join(w.root, 'host-etc', 'passwd')), false);

  // An external secret (swarm only): one line naming the secret and the service, before anything is created.
  for (const args of [['--dry-run', 'up', '-d', 'ext'], ['up', '-d', 'ext']]) {
    const r = w.berth([...base, '--profile', 'ext', ...args]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.trim(), 'service "ext": unsupported external secret "token" (name "shared-token"): external secrets and configs need a swarm; use file, environment or content');
  }
  assert.equal(ps(w, base).some((c) => c.Service === 'ext'), false);

  const all = [...before, ...ps(w, base).map((c) => c.ID)];
  w.ok([...base, '--profile', 'raw', 'down', '-v', '-t', '0']);
  assert.deepEqual(leftovers(w, all), []);
});
