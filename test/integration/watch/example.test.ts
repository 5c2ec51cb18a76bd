// examples/watch as its README tells it: the page follows an edit, the
// exec rule writes updated.txt, a settings change restarts the server, and
// Ctrl-C leaves it serving. Run on a copy, so the example stays as written.
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, repoRoot, shortId } from '../../helpers/env.js';
import { freePort, makeWorld, ps, teardown } from '../project/harness.js';
import { startBerth, stopChild, until } from './helpers.js';

let last = '';
function fetchText(port: number, path: string): Promise<string> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve(res.statusCode === 200 ? body : ''));
    });
    req.on('error', () => resolve(''));
    req.on('timeout', () => req.destroy());
  });
}

/** Polls the page until `re` matches it. */
async function page(port: number, path: string, re: RegExp, what: string): Promise<void> {
  const end = Date.now() + 30_000;
  while (!re.test((last = await fetchText(port, path)))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last body: ${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('examples/watch: edits reach the page, exec and restart rules run, Ctrl-C leaves it serving', { skip: !isRoot, timeout: 180_000 }, async (t) => {
  const w = makeWorld();
  const dir = join(w.root, 'example');
  cpSync(join(repoRoot, 'examples/watch'), dir, { recursive: true });
  const port = await freePort();
  w.env.WATCH_PORT = String(port);
  const base = ['-p', `we${shortId(6)}`, '-f', join(dir, 'compose.yaml')];
  const run = startBerth(w, [...base, 'watch']);
  t.after(async () => { await stopChild(run); teardown(w, base); });
  await until('Watch enabled', () => /Watch enabled/.test(run.output()), 60_000);
  await page(port, '/', /Hello from berth watch/, 'the first page');

  writeFileSync(join(dir, 'site/index.html'), '<h1>edited</h1>\n');
  writeFileSync(join(dir, 'site/notes.draft'), 'not for the server');
  await page(port, '/', /^<h1>edited<\/h1>\n$/, 'the edited page');
  await page(port, '/updated.txt', /\d\d:\d\d:\d\d/, 'updated.txt from the exec rule');
  assert.equal(await fetchText(port, '/notes.draft'), '', 'ignored file stays out');

  writeFileSync(join(dir, 'conf/greeting'), 'watcher\n');
  await until('restart with the new greeting', () => /serving as watcher/.test(w.ok([...base, 'logs', 'web'])), 60_000);
  await page(port, '/', /edited/, 'the page after the restart');

  run.proc.kill('SIGINT');
  assert.equal(await run.exited, 0);
  assert.deepEqual(ps(w, base, []).map((c) => c.State), ['running']);
  await page(port, '/', /edited/, 'the page after the watch stopped');
});
