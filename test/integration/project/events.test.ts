// `events` on a real project: engine events while following (exec, kill,
// stop, network connect/disconnect, volume create/destroy), then the same
// history replayed with --since/--until, narrowed with --filter, printed
// with a --format template.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { berthBin, isRoot, repoRoot, shortId } from '../../helpers/env.js';
import { makeWorld, teardown } from './harness.js';

const COMPOSE = `services:
  app:
    image: berth-examples/busybox:latest
    init: true
    command: ["sleep", "300"]
    volumes: [data:/data]
volumes:
  data: {}
`;

async function until(what: string, f: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('events: engine events live, replayed with --since/--until, --filter and --format', { skip: !isRoot, timeout: 120_000 }, async (t) => {
  const w = makeWorld();
  const project = `ev${shortId(6)}`;
  const file = join(w.root, 'compose.yaml');
  writeFileSync(file, COMPOSE);
  const base = ['-p', project, '-f', file];
  t.after(() => teardown(w, base));

  const t0 = new Date(Date.now() - 1000).toISOString();
  const live = spawn(berthBin, [...base, 'events', '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'], { cwd: repoRoot, env: w.env });
  let out = '';
  live.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  t.after(() => live.kill('SIGKILL'));
  await new Promise((r) => setTimeout(r, 500)); // the watcher has taken its first look

  w.ok([...base, 'up', '-d']);
  const name = `${project}-app-1`;
  w.ok([...base, 'exec', '-T', 'app', 'true']);
  w.ok([...base, 'kill', '-s', 'WINCH', 'app']); // ignored by sleep: the container keeps running
  w.ok([...base, 'stop', '-t', '1', 'app']);
  w.ok([...base, 'down', '-v']);
  await until('the live stream to see the down', () => /volume destroy/.test(out));
  const lines = out.trim().split('\n');
  for (const want of [
    `volume create`, `container create ${name}`, `network connect ${project}_default`, `container start ${name}`,
    `container exec_create: true ${name}`, `container exec_start: true ${name}`, `container exec_die ${name}`,
    `container kill ${name}`, `container die ${name}`, `container stop ${name}`, `network disconnect ${project}_default`,
    `container destroy ${name}`, `volume destroy`,
  ]) assert.ok(lines.some((l) => l.startsWith(want)), `live: no "${want}" in\n${out}`);
  const at = (s: string) => lines.findIndex((l) => l.startsWith(s));
  assert.ok(at(`container create`) < at(`container start`) && at(`container kill`) < at(`container stop`) && at(`container stop`) < at(`container destroy`), out);

  // The same history, replayed: exec events and the kill signal, as JSON.
  const t1 = new Date().toISOString();
  const replay = w.ok([...base, 'events', '--since', t0, '--until', t1, '--json', '--filter', 'event=exec_create', '--filter', 'event=kill']);
  const evs = replay.trim().split('\n').map((l) => JSON.parse(l) as { type: string; action: string; attributes: Record<string, string> });
  assert.deepEqual(evs.map((e) => e.action.split(':')[0]), ['exec_create', 'kill', 'kill'], replay);
  assert.equal(evs[1]!.attributes.signal, '28', 'kill -s WINCH');
  assert.equal(evs[2]!.attributes.signal, '15', 'stop sends the stop signal first');
  assert.ok(evs.every((e) => !Object.keys(e.attributes).some((k) => k.startsWith('com.docker.compose.'))), 'compose labels are left out');
  const vols = w.ok([...base, 'events', '--since', t0, '--until', t1, '--filter', 'type=volume', '--format', '{{.Action}} {{.Actor.ID}}']);
  assert.deepEqual(vols.trim().split('\n'), [`create ${project}_data`, `destroy ${project}_data`]);
  // An --until before everything replays nothing and ends at once.
  assert.equal(w.ok([...base, 'events', '--until', '2000-01-01T00:00:00Z', '--json']), '');

  const bad = w.berth([...base, 'events', '--filter', 'colour=red']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /invalid filter "colour": valid keys are/);
  const badFormat = w.berth([...base, 'events', '--format', '{{.Nope}}']);
  assert.notEqual(badFormat.status, 0);
  assert.match(badFormat.stderr, /no field Nope/);
});
