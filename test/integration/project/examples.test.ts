// Every folder of examples/ has a README and runs as written. The quickstart
// has its own test (quickstart.test.ts); this one runs multi-file: up with
// the override, extends, include and .env, the page on the published port,
// every service running (none restarting), the debug profile, and down -v
// leaving nothing.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, repoRoot, shortId } from '../../helpers/env.js';
import { fetchOnce, freePort, leftovers, makeWorld, ps, teardown } from './harness.js';

const examples = join(repoRoot, 'examples');

test('every example has a README and a test that runs it', () => {
  // A test runs an example when it names its directory (examples/<dir>).
  const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [readFileSync(join(dir, e.name), 'utf8')] : []));
  const tests = sources(join(repoRoot, 'test/integration')).join('\n');
  for (const dir of readdirSync(examples, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    assert.ok(existsSync(join(examples, dir, 'README.md')), `examples/${dir} has no README.md`);
    assert.ok(new RegExp(`examples/${dir}\\b|'examples', '${dir}'`).test(tests), `examples/${dir} is run by no test`);
  }
});


/** The page, polled until the server listens (deadline 10 s). */
async function page(port: number): Promise<string> {
  const end = Date.now() + 10_000;
  for (;;) {
    try { return await fetchOnce(port); } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

test('examples/multi-file: up, the page, every service running, the debug profile, down -v', { skip: !isRoot, timeout: 180_000 }, async (t) => {
  const w = makeWorld();
  const project = `mf${shortId(6)}`;
  const port = await freePort();
  w.env.WEB_PORT = String(port);
  const dir = join(examples, 'multi-file');
  const base = ['-p', project, '--project-directory', dir, '-f', join(dir, 'compose.yaml'), '-f', join(dir, 'compose.override.yaml')];
  t.after(() => teardown(w, base));

  w.ok([...base, 'up', '-d']);
  assert.match(await page(port), /Hello from the multi-file example/);
  const running = ps(w, base, []);
  assert.deepEqual(running.map((c) => `${c.Service}:${c.State}`).sort(), ['db:running', 'web:running', 'worker:running']);
  w.ok([...base, '--profile', 'debug', 'up', '-d']);
  assert.ok(ps(w, base, []).some((c) => c.Service === 'debug' && c.State === 'running'));
  // Still serving: web never restarted (its httpd found /www).
  assert.match(await page(port), /Hello from the multi-file example/);
  const ids = ps(w, base).map((c) => c.ID);
  w.ok([...base, '--profile', 'debug', 'down', '-v']);
  assert.deepEqual(leftovers(w, ids), []);
});
