import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { lockProject, withProjectLock } from '../../../src/state/lock.js';
import { statePaths } from '../../../src/state/paths.js';
import { tempDir } from '../../helpers/env.js';

const holderJs = fileURLToPath(new URL('./lock-holder.js', import.meta.url));

interface Child { proc: ChildProcess; lines: string[]; waitFor(re: RegExp): Promise<string> }

function holder(root: string, project: string, timeout?: number): Child {
  const proc = spawn(process.execPath, [holderJs, root, project, ...(timeout ? [String(timeout)] : [])], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  const waitFor = (re: RegExp) => new Promise<string>((resolve, reject) => {
    const check = () => {
      const hit = lines.find((l) => re.test(l));
      if (hit) return resolve(hit);
      if (proc.exitCode !== null || proc.signalCode !== null) return reject(new Error(`holder exited before ${re}: ${lines.join(' | ')}`));
      waiters.push(check);
    };
    proc.on('exit', () => check());
    check();
  });
  return { proc, lines, waitFor };
}

function exited(p: ChildProcess): Promise<void> {
  return p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r()));
}

test('a second process waits for the holder, names it, and times out clearly', async (t) => {
  const d = tempDir();
  const a = holder(d.path, 'demo');
  t.after(async () => { a.proc.kill('SIGKILL'); await exited(a.proc); d.cleanup(); });
  await a.waitFor(/^locked/);
  const messages: string[] = [];
  await assert.rejects(
    lockProject(statePaths(d.path, {}), 'demo', { timeoutMs: 300, onWait: (m) => messages.push(m) }),
    new RegExp(`timed out after 0.3s waiting for the lock of project demo, held by pid ${a.proc.pid}`),
  );
  assert.equal(messages.length, 1);
  assert.match(messages[0], new RegExp(`^waiting for another berth command on project demo \\(pid ${a.proc.pid}`));
});

test('kill -9 of the holder frees the lock for the waiter', async (t) => {
  const d = tempDir();
  const a = holder(d.path, 'demo');
  let b: Child | undefined;
  t.after(async () => {
    a.proc.kill('SIGKILL');
    b?.proc.kill('SIGKILL');
    await exited(a.proc);
    if (b) await exited(b.proc);
    d.cleanup();
  });
  await a.waitFor(/^locked/);
  b = holder(d.path, 'demo');
  await b.waitFor(new RegExp(`^wait .*pid ${a.proc.pid}`));
  assert.ok(!b.lines.some((l) => l.startsWith('locked')));
  a.proc.kill('SIGKILL');
  await b.waitFor(/^locked/);
  b.proc.stdin!.end();
  await b.waitFor(/^released/);
  // Released: this process gets it at once.
  const lock = await lockProject(statePaths(d.path, {}), 'demo', { timeoutMs: 1000 });
  lock.release();
});

test('different projects are locked independently', async (t) => {
  const d = tempDir();
  const a = holder(d.path, 'alpha');
  t.after(async () => { a.proc.kill('SIGKILL'); await exited(a.proc); d.cleanup(); });
  await a.waitFor(/^locked/);
  const got = await withProjectLock(statePaths(d.path, {}), 'beta', () => 'ran', { timeoutMs: 500 });
  assert.equal(got, 'ran');
});

test('the lock is re-entrant within a process and released by the last holder', async (t) => {
  const d = tempDir();
  t.after(() => d.cleanup());
  const paths = statePaths(d.path, {});
  const one = await lockProject(paths, 'demo', { timeoutMs: 100 });
  const two = await lockProject(paths, 'demo', { timeoutMs: 100 });
  one.release();
  const c = holder(d.path, 'demo', 200);
  await assert.rejects(c.waitFor(/^locked/), /exited/); // still held by `two`
  two.release();
  const c2 = holder(d.path, 'demo', 2000);
  t.after(async () => { c2.proc.kill('SIGKILL'); await exited(c2.proc); });
  await c2.waitFor(/^locked/);
});

test('a hostile project name is refused before touching the disk', async () => {
  const paths = statePaths('/nonexistent-berth-root', {});
  for (const bad of ['../etc', 'Demo', '', '-x', 'a/b']) {
    await assert.rejects(lockProject(paths, bad, { timeoutMs: 100 }), /invalid project name/);
  }
});

test('root-wide resource locks are separate from project locks and re-entrant', async (t) => {
  const { lockResource } = await import('../../../src/state/lock.js');
  const d = tempDir();
  t.after(() => d.cleanup());
  const paths = statePaths(d.path, {});
  const v = await lockResource(paths, 'volumes', { timeoutMs: 200 });
  const p = await lockProject(paths, 'volumes', { timeoutMs: 200 });
  const again = await lockResource(paths, 'volumes', { timeoutMs: 200 });
  again.release();
  p.release();
  v.release();
  await assert.rejects(lockResource(paths, '../x', { timeoutMs: 200 }), /invalid lock name/);
});
