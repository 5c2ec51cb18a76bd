// Loose ends found by walking the README as a newcomer: an env_file in the
// raw format reaches the container literally, and a stopped container shows
// no published ports (ps) and has none to print (port), and logs --index
// refuses a container the service does not have, as docker compose has it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { freePort, leftovers, makeWorld, ps, teardown } from './harness.js';

test('raw env_file in the container; a stopped container publishes nothing', { skip: !isRoot, timeout: 120_000 }, async (t) => {
  const w = makeWorld();
  const project = `nw${shortId(6)}`;
  const port = await freePort();
  const file = join(w.root, 'compose.yaml');
  writeFileSync(join(w.root, 'raw.env'), 'PASS="$2y$10$abc" # kept\n');
  writeFileSync(file, [
    'services:',
    '  web:',
    '    image: berth-examples/busybox:latest',
    '    init: true',
    '    command: ["sleep", "300"]',
    `    ports: ["127.0.0.1:${port}:80"]`,
    '    env_file:',
    '      - path: raw.env',
    '        format: raw',
    '',
  ].join('\n'));
  const base = ['-p', project, '-f', file];
  t.after(() => teardown(w, base));

  w.ok([...base, 'up', '-d']);
  assert.equal(w.ok([...base, 'exec', '-T', 'web', 'sh', '-c', 'echo "$PASS"']), '"$2y$10$abc" # kept\n');
  assert.equal(w.ok([...base, 'port', 'web', '80']), `127.0.0.1:${port}\n`);
  assert.deepEqual(ps(w, base)[0]!.Publishers.map((p) => p.PublishedPort), [port]);

  // ps --format with a Go template, as docker compose users write it.
  assert.equal(w.ok([...base, 'ps', '--format', '{{.Service}} {{.State}} {{.Ports}}']), `web running 127.0.0.1:${port}->80/tcp\n`);
  assert.equal(w.ok([...base, 'ps', '--format', 'table {{.Name}}\\t{{.Status}}']).split('\n')[0], 'NAME            STATUS'.replace('NAME            ', 'NAME'.padEnd(`${project}-web-1`.length + 3)));
  const badField = w.berth([...base, 'ps', '--format', '{{.Nope}}']);
  assert.equal(badField.status, 15);
  assert.match(badField.stderr, /^invalid --format "\{\{\.Nope\}\}": no field Nope/);

  // logs --index: a container the service does not have is an error, as docker compose has it.
  const missing = w.berth([...base, 'logs', '--index', '2', 'web']);
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr, 'service "web" has no container with index 2\n');
  assert.equal(w.berth([...base, 'logs', '--index', '1']).status, 15);
  assert.equal(w.berth([...base, 'logs', '--index', '1', 'web']).status, 0);

  w.ok([...base, 'stop', '-t', '0']);
  const [stopped] = ps(w, base);
  assert.equal(stopped!.State, 'exited');
  assert.deepEqual(stopped!.Publishers, []);
  assert.doesNotMatch(w.ok([...base, 'ps', '-a']), /->80\/tcp/);
  const r = w.berth([...base, 'port', 'web', '80']);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `service "web" is not running (container ${project}-web-1 is exited)\n`);

  const id = stopped!.ID;
  w.ok([...base, 'down', '-v']);
  assert.deepEqual(leftovers(w, [id]), []);
});
