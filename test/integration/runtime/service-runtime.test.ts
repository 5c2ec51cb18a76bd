// Compose `runtime:`: one service under berth-runtime, runc and crun passes
// the same checks (up, a page over a published port on loopback, exec, logs,
// stop/start, pause/unpause, down), and the reference runtime really holds the
// container (its own `state` says running). A runtime missing from the host
// fails the test: a comparison must never fall back to berth alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { fetchOnce, freePort, leftovers, makeWorld, ps, teardown } from '../project/harness.js';
import { resolveRuntime } from '../../../src/container/runtimes.js';
import { readConfig } from '../../../src/config.js';
import { binaries } from '../../../src/container/paths.js';

async function until<T>(what: string, f: () => T | Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    let v: T | undefined;
    let err: unknown;
    try { v = await f(); } catch (e) { err = e; }
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: not reached within ${ms} ms (last: ${err ? String(err) : JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('runtime: per service', { skip: !isRoot && 'needs root' }, () => {
  for (const runtime of ['berth-runtime', 'runc', 'crun']) {
    test(`a web service under ${runtime}`, { timeout: 180_000 }, async (t) => {
      // Resolving here fails the test (never skips it) when the runtime is not installed.
      const exe = resolveRuntime(runtime, binaries(readConfig(process.env))).path;
      const w = makeWorld();
      const project = `rt${shortId(6)}`;
      const www = join(w.root, 'www');
      mkdirSync(www);
      writeFileSync(join(www, 'index.html'), `served under ${runtime}\n`);
      const port = await freePort();
      const file = join(w.root, 'compose.yaml');
      writeFileSync(file, [
        'services:',
        '  web:',
        '    image: berth-examples/busybox:latest',
        `    runtime: ${runtime}`,
        '    command: ["sh", "-c", "echo web is up; exec httpd -f -p 8080 -h /www"]',
        `    ports: ["127.0.0.1:${port}:8080"]`,
        `    volumes: ["${www}:/www:ro"]`,
        '',
      ].join('\n'));
      const base = ['-p', project, '-f', file];
      t.after(() => teardown(w, base));

      w.ok([...base, 'up', '-d', '--wait']);
      const [c] = ps(w, base);
      assert.equal(c?.State, 'running');
      const id = readdirSync(join(w.root, 'containers')).find((d) => d.startsWith(c!.ID))!;
      const record = JSON.parse(readFileSync(join(w.root, 'containers', id, 'config.json'), 'utf8')) as { runtime: { name: string; path: string } };
      assert.deepEqual(record.runtime, { name: runtime, path: exe }, 'the record keeps the runtime exec and stop use');
      assert.equal(w.ok(['inspect', '-f', '{{.HostConfig.Runtime}}', c!.ID]).trim(), runtime);
      // The runtime itself knows the container (a shared --root for all runtimes, under the state root's run dir).
      const state = spawnSync(exe, ['--root', join(w.root, 'run', 'oci'), 'state', id], { encoding: 'utf8' });
      assert.equal(state.status, 0, `${runtime} state: ${state.stderr}`);
      assert.equal(JSON.parse(state.stdout).status, 'running');

      assert.equal(await fetchOnce(port), `served under ${runtime}\n`);
      assert.equal(w.ok([...base, 'exec', '-T', 'web', 'sh', '-c', 'echo $$ from; cat /proc/1/comm']).trim().split('\n').at(-1), 'httpd');
      assert.equal(w.berth([...base, 'exec', '-T', 'web', 'sh', '-c', 'exit 5']).status, 5);
      // docker's codes for a command that is not there, and for one that cannot be executed
      const missing = w.berth([...base, 'exec', '-T', 'web', 'nosuchcommand']);
      assert.equal(missing.status, 127, missing.stderr);
      assert.match(missing.stderr, /nosuchcommand/);
      assert.equal(w.berth([...base, 'exec', '-T', 'web', '/etc/passwd']).status, 126);
      assert.equal(w.berth([...base, 'exec', '-T', 'web', '/etc']).status, 126);
      const oneOff = w.berth([...base, 'run', '--rm', '--no-deps', '-T', 'web', 'nosuchcommand']);
      assert.equal(oneOff.status, 127, `run of a missing command: ${oneOff.stderr}`);
      await until('logs', () => w.ok([...base, 'logs', '--no-log-prefix', 'web']), (l) => l.includes('web is up'));

      w.ok([...base, 'pause', 'web']);
      assert.equal(ps(w, base)[0]!.State, 'paused');
      w.ok([...base, 'unpause', 'web']);
      assert.equal(await fetchOnce(port), `served under ${runtime}\n`);

      w.ok([...base, 'stop', '-t', '2', 'web']);
      assert.equal(ps(w, base)[0]!.State, 'exited');
      w.ok([...base, 'start', 'web']);
      assert.equal(ps(w, base)[0]!.ID, c!.ID, 'start keeps the container');
      assert.equal(await until('page after start', () => fetchOnce(port), (b) => b.length > 0), `served under ${runtime}\n`);

      w.ok([...base, 'down', '-v', '-t', '2']);
      assert.deepEqual(leftovers(w, [id]), []);
    });
  }

  test('an unknown runtime name is refused at up, before anything is made', { timeout: 60_000 }, (t) => {
    const w = makeWorld();
    const project = `rt${shortId(6)}`;
    const file = join(w.root, 'compose.yaml');
    writeFileSync(file, 'services:\n  web:\n    image: berth-examples/busybox:latest\n    runtime: nosuch\n    command: ["sleep", "30"]\n');
    const base = ['-p', project, '-f', file];
    t.after(() => teardown(w, base));
    const r = w.berth([...base, 'up', '-d']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /service "web": unknown or invalid runtime name: nosuch/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.deepEqual(ps(w, base), []);
    // `config` prints it as written (docker compose refuses it only when creating the container).
    assert.match(w.ok([...base, 'config']), /runtime: nosuch/);
  });
});
