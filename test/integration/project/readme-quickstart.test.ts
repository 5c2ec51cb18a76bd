// The README's quick start, run as written: its bin/berth line in the
// foreground (on another port through QUICKSTART_PORT), the page and the API
// call by name answered, Ctrl-C (SIGINT) stops it, and `down -v` clears it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { berthBin, isRoot, repoRoot } from '../../helpers/env.js';
import { readmeQuickstartArgs } from '../../helpers/readme.js';
import { fetchOnce, freePort, leftovers, makeWorld, ps, teardown } from './harness.js';


async function fetchUntil(port: number, path: string, want: RegExp, ms: number): Promise<string> {
  let last = '';
  for (const end = Date.now() + ms; Date.now() < end;) {
    try { last = await fetchOnce(port, path); if (want.test(last)) return last; } catch (e) { last = String(e); }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`GET ${path}: ${last}`);
}

test('the README quick start command runs as written, answers, stops on Ctrl-C', { skip: !isRoot, timeout: 180_000 }, async (t) => {
  const w = makeWorld();
  const args = readmeQuickstartArgs();
  const port = await freePort();
  const env = { ...w.env, QUICKSTART_PORT: String(port) };
  const base = args.slice(0, args.indexOf('up'));
  t.after(() => teardown(w, base));
  const child = spawn(berthBin, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    assert.match(await fetchUntil(port, '/', /Hello from berth/, 60_000), /Hello from berth/);
    assert.match(await fetchUntil(port, '/cgi-bin/api', /hello from the api service/, 20_000), /"service":"api"/);
    // The sign that `up` is attached (Ctrl-C then stops the project): the
    // services' log lines, which only the attached `up` prints. Polled: the
    // page can answer before `up` has attached.
    for (const end = Date.now() + 20_000; !/^api-1 +\| /m.test(out) && Date.now() < end;) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, /^api-1 +\| /m, 'the services\' logs follow the progress');
  } finally {
    child.kill('SIGINT');
  }
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([exited, new Promise<string>((r) => { timer = setTimeout(() => r('still running'), 60_000); })]);
  clearTimeout(timer);
  assert.equal(code, 130, `up exits after Ctrl-C with 130 (128 + SIGINT, as docker compose):\n${out}`);
  const stopped = ps(w, base);
  assert.ok(stopped.every((c) => c.State === 'exited'), JSON.stringify(stopped.map((c) => [c.Name, c.State])));
  const ids = stopped.map((c) => c.ID);
  w.ok([...base, 'down', '-v']);
  assert.deepEqual(leftovers(w, ids), []);
});
