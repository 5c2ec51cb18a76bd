// The quickstart stack end to end: up, the page on the published port, the
// API by name from the web container, ps, a no-op second up, a change that
// recreates only one service and its restart:true dependent, scale up and
// down, orphans, and `down -v` leaving nothing on the machine.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, repoRoot, shortId } from '../../helpers/env.js';
import { fetchOnce, freePort, leftovers, links, makeWorld, ps, teardown } from './harness.js';

/** GET with a few retries: a container that has just started may not listen yet. */
async function fetchText(port: number, path: string): Promise<string> {
  for (let i = 0; ; i++) {
    try { return await fetchOnce(port, path); } catch (e) {
      if (i >= 50) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}


test('quickstart: up, reach, idempotent up, targeted recreate, scale, orphans, down -v', { skip: !isRoot, timeout: 180_000 }, async (t) => {
  const w = makeWorld();
  const project = `qs${shortId(6)}`;
  const port = await freePort();
  w.env.QUICKSTART_PORT = String(port);
  const file = join(repoRoot, 'examples/quickstart/compose.yaml');
  const restartDep = join(w.root, 'restart-dep.yaml');
  const changed = join(w.root, 'changed.yaml');
  const extra = join(w.root, 'extra.yaml');
  writeFileSync(restartDep, 'services:\n  web:\n    depends_on:\n      api:\n        condition: service_healthy\n        restart: true\n');
  writeFileSync(changed, 'services:\n  api:\n    environment:\n      GREETING: changed\n');
  writeFileSync(extra, 'services:\n  extra:\n    image: berth-examples/busybox:latest\n    init: true\n    command: ["sleep", "300"]\n');
  const base = ['-p', project, '-f', file, '-f', restartDep];
  t.after(() => teardown(w, base));

  const up1 = w.ok([...base, 'up', '-d']);
  assert.match(up1, /Container .*-web-1 {2}Started/);
  assert.match(await fetchText(port, '/'), /Hello from berth/);
  assert.match(await fetchText(port, '/cgi-bin/api'), /hello from the api service/, 'web reaches api by its service name');

  const running = ps(w, base, []);
  assert.deepEqual(running.map((c) => c.Service).sort(), ['api', 'web', 'worker']);
  assert.ok(running.every((c) => c.State === 'running'));
  assert.equal(running.find((c) => c.Service === 'api')!.Health, 'healthy');
  assert.equal(running.find((c) => c.Service === 'web')!.Publishers[0]!.PublishedPort, port);
  assert.equal(w.ok([...base, 'ps', '-q']).trim().split('\n').length, 3);
  assert.equal(w.ok([...base, 'ps', '--services']).trim(), 'api\nweb\nworker');

  // Nothing changed: no action, every service reported running.
  const up2 = w.ok([...base, 'up', '-d']);
  assert.doesNotMatch(up2, /Creat|Recreate|Start|Stop/);
  for (const s of ['api', 'web', 'worker']) assert.match(up2, new RegExp(`Container ${project}-${s}-1 {2}Running`));

  // Change api: api is recreated, web too (restart: true), worker stays.
  const ids = Object.fromEntries(ps(w, base).map((c) => [c.Service, c.ID]));
  const plan = w.ok([...base, '-f', changed, '--dry-run', 'up', '-d']);
  assert.match(plan, new RegExp(`Container ${project}-api-1  Recreate  \\(config hash changed\\)`));
  assert.match(plan, new RegExp(`Container ${project}-web-1  Recreate  \\(dependency api recreated\\)`));
  assert.doesNotMatch(plan, /worker-1 {2}Recreate/);
  w.ok([...base, '-f', changed, 'up', '-d']);
  const after = Object.fromEntries(ps(w, base).map((c) => [c.Service, c.ID]));
  assert.notEqual(after.api, ids.api);
  assert.notEqual(after.web, ids.web);
  assert.equal(after.worker, ids.worker);
  assert.match(await fetchText(port, '/cgi-bin/api'), /hello from the api service/);

  // Scale the worker up to 3, then down to 1 (the highest numbers go).
  w.ok([...base, '-f', changed, 'up', '-d', '--scale', 'worker=3']);
  assert.deepEqual(ps(w, base).filter((c) => c.Service === 'worker').map((c) => c.Name), [1, 2, 3].map((n) => `${project}-worker-${n}`));
  w.ok([...base, '-f', changed, 'up', '-d', '--scale', 'worker=1']);
  assert.deepEqual(ps(w, base).filter((c) => c.Service === 'worker').map((c) => c.Name), [`${project}-worker-1`]);

  // Orphans: warned about, then removed with --remove-orphans.
  w.ok([...base, '-f', changed, '-f', extra, 'up', '-d', 'extra']);
  const warned = w.ok([...base, '-f', changed, 'up', '-d']);
  assert.match(warned, new RegExp(`found orphan containers \\(\\[${project}-extra-1\\]\\)`));
  w.ok([...base, '-f', changed, 'up', '-d', '--remove-orphans']);
  assert.ok(!ps(w, base).some((c) => c.Service === 'extra'));

  const all = ps(w, base).map((c) => c.ID);
  const bridges = links(w);
  assert.equal(bridges.length, 1);
  w.ok([...base, '-f', changed, 'down', '-v']);
  assert.deepEqual(leftovers(w, [...all, ids.api!, ids.web!]), []);
  const still = (await import('node:child_process')).spawnSync('ip', ['-br', 'link'], { encoding: 'utf8' }).stdout;
  for (const b of bridges) assert.ok(!still.includes(b), `bridge ${b} removed`);
});
