// `berth run` end to end on a small project made from the example base
// image: dependencies started first, the command's exit code, -e, --rm,
// -d with --name and the one-off label, --no-deps, -v, -i with piped stdin,
// and nothing left after `down -v`.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Containers } from '../../../src/container/index.js';
import { statePaths } from '../../../src/state/paths.js';
import { readConfig } from '../../../src/config.js';
import { binaries } from '../../../src/container/paths.js';
import { spawnSync } from 'node:child_process';
import { berthBin, isRoot, repoRoot, shortId } from '../../helpers/env.js';
import { leftovers, makeWorld, ps, teardown } from '../project/harness.js';

test('run: one-off containers of a service', { skip: !isRoot, timeout: 180_000 }, (t) => {
  const w = makeWorld();
  const project = `run${shortId(6)}`;
  const dir = join(w.root, 'proj');
  mkdirSync(join(dir, 'shared'), { recursive: true });
  writeFileSync(join(dir, 'shared/in.txt'), 'from the host\n');
  writeFileSync(join(dir, 'compose.yaml'), [
    'services:',
    '  db:',
    '    image: berth-examples/busybox:latest',
    '    command: ["sleep", "300"]',
    '    stop_grace_period: 1s',
    '    ports: ["127.0.0.1::8080"]',
    '  app:',
    '    image: berth-examples/busybox:latest',
    '    command: ["echo", "default command"]',
    '    environment: { FROM_FILE: "yes" }',
    '    depends_on: [db]',
    '',
  ].join('\n'));
  const base = ['-p', project, '-f', join(dir, 'compose.yaml')];
  t.after(() => teardown(w, base));
  const c = new Containers(statePaths(w.root, {}), binaries(readConfig(process.env)));
  const mine = () => c.list().filter((x) => x.record.labels['com.docker.compose.project'] === project);

  // --no-deps: db stays down.
  const nd = w.berth([...base, 'run', '--rm', '--no-deps', 'app']);
  assert.equal(nd.status, 0, nd.stderr);
  assert.match(nd.stdout, /^default command\n$/m);
  assert.deepEqual(mine().map((x) => x.record.name), []);

  // Dependencies first; exit code, -e, the file's environment, -v (relative to the project directory); --rm removes it.
  const r = w.berth([...base, 'run', '--rm', '-T', '-e', 'X=42', '-v', './shared:/shared:ro', 'app', 'sh', '-c', 'echo "$X $FROM_FILE"; cat /shared/in.txt; echo oops >&2; exit 5']);
  assert.equal(r.status, 5, r.stderr);
  assert.match(r.stdout, /^42 yes\nfrom the host\n$/m);
  assert.match(r.stderr, /oops/);
  const running = ps(w, base, []);
  assert.deepEqual(running.map((x) => `${x.Service}:${x.State}`), ['db:running']);
  assert.deepEqual(mine().map((x) => x.record.name), [`${project}-db-1`]);
  // port: the service's random host port on 127.0.0.1, as ps shows it.
  const port = w.berth([...base, 'port', 'db', '8080']);
  assert.equal(port.status, 0, port.stderr);
  assert.equal(port.stdout, `127.0.0.1:${running[0]!.Publishers[0]!.PublishedPort}\n`);
  assert.match(w.berth([...base, 'port', 'db', '9999']).stderr, /no port 9999\/tcp for container/);
  assert.match(w.berth([...base, 'port', '--index', '2', 'db', '8080']).stderr, /no container with index 2/);

  // With a terminal: a pty in the container, output through the shim's attach socket.
  const cmd = [berthBin, ...base, 'run', '--rm', 'app', 'sh', '-c', 'tty; exit 3'].map((a) => `'${a}'`).join(' ');
  const pty = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: repoRoot, env: w.env, encoding: 'utf8', timeout: 60_000 });
  assert.match(pty.stdout, /\/dev\/pts\/\d+/);
  assert.equal(pty.status, 3);

  // -i without a terminal: stdin reaches the container, and its end closes the container's stdin (cat ends).
  const piped = spawnSync(berthBin, [...base, 'run', '--rm', '-i', 'app', 'cat'], { cwd: repoRoot, env: w.env, encoding: 'utf8', input: 'x\n', timeout: 60_000 });
  assert.equal(piped.status, 0, piped.stderr);
  assert.equal(piped.stdout, 'x\n');
  // Without -i the container's stdin is empty, as docker compose run -T gives it.
  const closed = spawnSync(berthBin, [...base, 'run', '--rm', 'app', 'cat'], { cwd: repoRoot, env: w.env, encoding: 'utf8', input: 'y\n', timeout: 60_000 });
  assert.equal(closed.status, 0, closed.stderr);
  assert.equal(closed.stdout, '');

  // -d --name: a one-off container that up ignores.
  const d = w.berth([...base, 'run', '-d', '--name', `${project}-job`, '--entrypoint', 'sleep', 'app', '300']);
  assert.equal(d.status, 0, d.stderr);
  assert.equal(d.stdout, `${project}-job\n`);
  const job = c.resolve(`${project}-job`);
  assert.equal(job.labels['com.docker.compose.oneoff'], 'True');
  assert.equal(job.labels['com.docker.compose.service'], 'app');
  assert.deepEqual(job.process.args, ['sleep', '300']);
  const up = w.ok([...base, 'up', '-d', 'db']);
  assert.doesNotMatch(up, /orphan/);
  assert.equal(c.list().find((x) => x.record.id === job.id)?.observed.status, 'running');
  // Its log reads like any container's.
  assert.equal(readFileSync(job.logPath, 'utf8'), '');

  w.ok([...base, 'down', '-v', '--remove-orphans', '-t', '0']);
  for (const x of mine()) c.remove(x.record.id, { force: true }).catch(() => undefined);
  assert.deepEqual(leftovers(w, [job.id]).filter((l) => !l.startsWith('network record') && !l.startsWith('volume')), []);
});
