// The actions beside sync: sync+restart and restart restart the service,
// sync+exec runs its command in every container of the service (as the
// rule's user), a burst of thousands of files arrives complete, bad rules
// are refused before anything starts, `up --watch` interleaves logs and
// watch events and stops the project on Ctrl-C, and rebuild rebuilds and
// recreates the service (skipped with a notice while building is unsupported).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { makeWorld, ps, teardown, type World } from '../project/harness.js';
import { startBerth, stopChild, until } from './helpers.js';

const IMAGE = 'berth-examples/busybox:latest';

function projectDir(w: World, compose: string, files: Record<string, string> = {}): string {
  const dir = join(w.root, `p${shortId(4)}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'compose.yaml'), compose);
  for (const [f, body] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), body);
  }
  return dir;
}

const inside = (w: World, base: string[], script: string, index = 1) => {
  const r = w.berth([...base, 'exec', '-T', '--index', String(index), 'app', 'sh', '-c', script]);
  return r.status === 0 ? r.stdout : undefined;
};

test('watch actions: sync+restart, restart, sync+exec in every container, a 3000-file burst', { skip: !isRoot, timeout: 240_000 }, async (t) => {
  const w = makeWorld();
  const dir = projectDir(w, `services:
  app:
    image: ${IMAGE}
    init: true
    network_mode: none
    scale: 2
    command: ["sh", "-c", "echo start >> /tmp/starts; exec sleep 3000"]
    develop:
      watch:
        - {path: ./conf, target: /etc/app, action: sync+restart}
        - {path: ./trigger, action: restart}
        - path: ./hooks
          target: /hooks
          action: sync+exec
          exec: {command: ["sh", "-c", "cat /hooks/h.txt >> /tmp/exec.log; id -u >> /tmp/exec.log; echo $$HOOK_VAR >> /tmp/exec.log"], user: "1000", environment: {HOOK_VAR: hv}}
        - {path: ./bulk, target: /bulk, action: sync}
`, { 'conf/app.conf': 'v1\n', 'trigger/t': 'x', 'hooks/h.txt': 'h0\n', 'bulk/.keep': '' });
  const project = `wa${shortId(6)}`;
  const base = ['-p', project, '-f', join(dir, 'compose.yaml')];
  const run = startBerth(w, [...base, 'watch']);
  t.after(async () => { await stopChild(run); teardown(w, base); });
  await until('Watch enabled', () => /Watch enabled/.test(run.output()), 60_000);
  const starts = (i: number) => (inside(w, base, 'cat /tmp/starts', i) ?? '').split('\n').filter(Boolean).length;
  assert.equal(starts(1), 1);

  // sync+restart: the file is there and both containers started again.
  writeFileSync(join(dir, 'conf/app.conf'), 'v2\n');
  await until('restarted after the sync', () => starts(1) === 2 && starts(2) === 2, 60_000);
  assert.equal(inside(w, base, 'cat /etc/app/app.conf'), 'v2\n');
  await until('the sync and restart events', () => /Syncing service "app" after 1 changes were detected\n(.*\n)*service\(s\) \["app"\] restarted/.test(run.output()));

  // restart alone.
  writeFileSync(join(dir, 'trigger/t'), 'y');
  await until('restarted', () => starts(1) === 3 && starts(2) === 3, 60_000);

  // sync+exec: after the sync, in each container, as uid 1000 with the rule's environment.
  writeFileSync(join(dir, 'hooks/h.txt'), 'h1\n');
  for (const i of [1, 2]) await until(`exec in container ${i}`, () => inside(w, base, 'cat /tmp/exec.log 2>/dev/null', i) === 'h1\n1000\nhv\n');

  // A burst, as a branch checkout writes it: 3000 files in 30 directories.
  for (let d = 0; d < 30; d++) {
    mkdirSync(join(dir, `bulk/d${d}`));
    for (let f = 0; f < 100; f++) writeFileSync(join(dir, `bulk/d${d}/f${f}.txt`), `${d}/${f}\n`);
  }
  await until('3000 files synced', () => inside(w, base, 'find /bulk -type f -name "f*" | wc -l')?.trim() === '3000', 120_000);
  assert.equal(inside(w, base, 'cat /bulk/d29/f99.txt'), '29/99\n');
  assert.equal(inside(w, base, 'cat /bulk/d0/f0.txt', 2), '0/0\n');

  run.proc.kill('SIGINT');
  assert.equal(await run.exited, 0);
  assert.deepEqual(ps(w, base, []).map((c) => c.State), ['running', 'running']);
});

test('watch: bad rules are one clear error before anything starts', { skip: !isRoot, timeout: 120_000 }, (t) => {
  const w = makeWorld();
  t.after(() => w.cleanup());
  const svc = (watch: string, extra = '') => `services:\n  app:\n    image: ${IMAGE}\n${extra}    develop:\n      watch:\n${watch}`;
  const cases: Array<[string, RegExp]> = [
    [svc('        - {path: ./missing, target: /app, action: sync}\n'), /^service "app": develop\.watch\[0\] \(sync \.\/missing\): path \S+\/missing does not exist\n$/],
    [svc('        - {path: ., target: /app, action: sync}\n        - {path: ., action: rebuild}\n'), /^service "app": develop\.watch\[1\] \(rebuild \.\/\.?\): action rebuild needs a build section in the service\n$/],
    [svc('        - {path: ., target: /app, action: sync+exec}\n'), /^service "app": develop\.watch\[0\] \(sync\+exec \.\/\.?\): action sync\+exec needs exec\.command\n$/],
  ];
  for (const [compose, message] of cases) {
    const dir = projectDir(w, compose);
    const base = ['-p', `wb${shortId(6)}`, '-f', join(dir, 'compose.yaml')];
    for (const args of [['watch'], ['up', '--watch']]) {
      const r = w.berth([...base, ...args]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, message, `${args.join(' ')}: ${r.stderr}`);
      assert.deepEqual(ps(w, base), [], 'nothing was created');
    }
  }
});

test('up --watch: logs and watch events interleaved; Ctrl-C stops the project as up does', { skip: !isRoot, timeout: 180_000 }, async (t) => {
  const w = makeWorld();
  const dir = projectDir(w, `services:
  app:
    image: ${IMAGE}
    init: true
    network_mode: none
    command: ["sh", "-c", "echo hello-from-app; exec sleep 3000"]
    develop:
      watch:
        - {path: ./src, target: /app, action: sync}
`, { 'src/a.txt': 'a\n' });
  const project = `wu${shortId(6)}`;
  const base = ['-p', project, '-f', join(dir, 'compose.yaml')];
  const run = startBerth(w, [...base, 'up', '--watch']);
  t.after(async () => { await stopChild(run); teardown(w, base); });
  await until('logs and Watch enabled', () => /Watch enabled/.test(run.output()) && /app-1 +\| hello-from-app/.test(run.output()), 60_000);
  writeFileSync(join(dir, 'src/a.txt'), 'b\n');
  await until('sync event', () => /Syncing service "app" after 1 changes were detected/.test(run.output()));
  await until('synced', () => inside(w, base, 'cat /app/a.txt') === 'b\n');
  run.proc.kill('SIGINT');
  assert.equal(await run.exited, 130, run.output());
  assert.match(run.output(), /Gracefully stopping/);
  assert.deepEqual(ps(w, base).map((c) => c.State), ['exited']);
});

test('watch rebuild: rebuilds the image and recreates the service (up --build --no-deps SERVICE)', { skip: !isRoot, timeout: 240_000 }, async (t) => {
  const w = makeWorld();
  const dir = projectDir(w, `services:
  app:
    build: .
    init: true
    network_mode: none
    command: ["sleep", "3000"]
    develop:
      watch:
        - {path: ./version.txt, action: rebuild}
`, { 'Dockerfile': `FROM ${IMAGE}\nCOPY version.txt /version.txt\n`, 'version.txt': 'v1\n' });
  const project = `wr${shortId(6)}`;
  const base = ['-p', project, '-f', join(dir, 'compose.yaml')];
  const run = startBerth(w, [...base, 'watch']);
  t.after(async () => { await stopChild(run); teardown(w, base); });
  await until('watch started', () => /Watch enabled/.test(run.output()) || run.proc.exitCode !== null, 120_000);
  assert.equal(run.proc.exitCode, null, run.output());
  const before = ps(w, base)[0]!.ID;
  assert.equal(inside(w, base, 'cat /version.txt'), 'v1\n');
  writeFileSync(join(dir, 'version.txt'), 'v2\n');
  await until('rebuilt and recreated', () => ps(w, base).some((c) => c.ID !== before && c.State === 'running') && inside(w, base, 'cat /version.txt') === 'v2\n', 180_000);
  await until('the rebuild events', () => /Rebuilding service\(s\) \["app"\] after changes were detected\.\.\.\n(.*\n)*service\(s\) \["app"\] successfully built/.test(run.output()));
  run.proc.kill('SIGINT');
  assert.equal(await run.exited, 0);
});
