// Ctrl-C (SIGINT) at any moment of an attached `up` has a defined outcome:
// before anything exists `up` may die of it (docker compose aborts too), and
// from the first created object on it stops what it started, says
// "Gracefully stopping..." and exits 130; never is `up` gone with containers
// left running. The moments are found by what `up` prints (a poll on its
// output), not by sleeps, except the early ones, which are delays after the
// spawn on purpose. The quick start example: a healthcheck wait, a dependent
// started after it, three containers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { berthBin, isRoot, repoRoot } from '../../helpers/env.js';
import { freePort, leftovers, makeWorld, ps, teardown, type World } from './harness.js';

const base = ['-f', 'examples/quickstart/compose.yaml'];
const GRACEFUL = 'Gracefully stopping... (press Ctrl+C again to force)';

interface Outcome { code: number | null; signal: NodeJS.Signals | null; out: string }

/**
 * Runs an attached `up` and sends SIGINT `count` times: `delayMs` after the
 * spawn, or after `mark` first appears in its output; waits for it to exit.
 */
async function interruptedUp(w: World, env: NodeJS.ProcessEnv, when: { mark?: RegExp; delayMs?: number }, count = 1): Promise<Outcome> {
  const child = spawn(berthBin, [...base, 'up'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let fired = false;
  const fire = () => {
    if (fired) return;
    fired = true;
    setTimeout(() => { for (let i = 0; i < count; i++) child.kill('SIGINT'); }, when.delayMs ?? 0);
  };
  const onData = (d: Buffer) => { out += d.toString(); if (when.mark?.test(out)) fire(); };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  if (!when.mark) fire();
  const exited = new Promise<Outcome>((r) => child.on('exit', (code, signal) => r({ code, signal, out })));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`up did not end within 60 s of the start${fired ? ' (SIGINT sent)' : ', the mark never came'}:\n${out}`)); }, 60_000);
  });
  try { return await Promise.race([exited, late]); } finally { clearTimeout(timer); }
}

/** The containers of the run that are still up (anything but exited or never started). */
function stillUp(w: World): string[] {
  return ps(w, base).filter((c) => c.State !== 'exited' && c.State !== 'created').map((c) => `${c.Service}:${c.State}`);
}

test('Ctrl-C at any moment of an attached up: killed before anything exists, else a graceful stop with 130; nothing left running', { skip: !isRoot, timeout: 600_000 }, async (t) => {
  const w = makeWorld();
  const env = { ...w.env, QUICKSTART_PORT: String(await freePort()) };
  const ids = new Set<string>();
  t.after(() => teardown(w, base));

  const moments: Array<{ name: string; when: { mark?: RegExp; delayMs?: number }; count?: number; started: boolean }> = [
    // Early: while the CLI loads and reads the project (a kill is fine then, if nothing was created), or already converging.
    ...[0, 60, 150, 300, 500].map((ms) => ({ name: `${ms} ms after the spawn`, when: { delayMs: ms }, started: false })),
    // While starting: api runs, web waits for it to be healthy and must never start.
    { name: 'api started, web waiting for it', when: { mark: / Container quickstart-api-1 {2}Started/ }, started: true },
    // The end of the converge: the web server answers, `up` is about to attach.
    ...[0, 2, 5].map((ms) => ({ name: `${ms} ms after the last container started`, when: { mark: / Container quickstart-web-1 {2}Started/, delayMs: ms }, started: true })),
    // Attached: the services' logs are streaming.
    { name: 'attached, logs streaming', when: { mark: /^api-1 +\| /m }, started: true },
    // Two at once while attached: the second one forces (kill); still 130 and nothing left.
    { name: 'attached, two Ctrl-C', when: { mark: /^api-1 +\| /m }, count: 2, started: true },
  ];
  for (const m of moments) {
    await t.test(m.name, async () => {
      const r = await interruptedUp(w, env, m.when, m.count);
      const left = ps(w, base);
      for (const c of left) ids.add(c.ID);
      assert.deepEqual(stillUp(w), [], `nothing runs after up ended (exit ${r.code ?? r.signal}):\n${r.out}`);
      if (r.signal) {
        // Died of the signal: allowed only while nothing had been created.
        assert.ok(!m.started, `up died of ${r.signal} after its containers were started:\n${r.out}`);
        assert.equal(r.signal, 'SIGINT');
        assert.deepEqual(left.map((c) => c.Name), [], `up died of ${r.signal} with containers created:\n${r.out}`);
        assert.doesNotMatch(r.out, /Creat(ing|ed)/, `up died of ${r.signal} after it began creating:\n${r.out}`);
      } else {
        assert.equal(r.code, 130, `up exits 130 after Ctrl-C:\n${r.out}`);
        assert.ok(r.out.includes(GRACEFUL), `up says it stops:\n${r.out}`);
      }
      if (m.name.startsWith('api started')) {
        assert.doesNotMatch(r.out, /Container quickstart-web-1 {2}Started/, `web never starts once Ctrl-C came while it waited:\n${r.out}`);
      }
      w.ok([...base, 'down', '-v', '-t', '0']);
    });
  }
  assert.deepEqual(leftovers(w, [...ids]), []);
});
