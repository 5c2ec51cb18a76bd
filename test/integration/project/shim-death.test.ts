// A container dies with its shim: SIGKILL of berth-shim takes the
// container's processes along (root and non-root users alike: a change of
// user clears a parent-death signal), `ps` says exited, and `up -d` starts
// it again cleanly.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { leftovers, makeWorld, ps, teardown } from './harness.js';

const COMPOSE = `services:
  root:
    image: berth-examples/busybox:latest
    command: ["sleep", "300"]
  user:
    image: berth-examples/busybox:latest
    user: "1000:1000"
    command: ["sh", "-c", "sleep 301 & sleep 302"]
  tini:
    image: berth-examples/busybox:latest
    init: true
    command: ["sleep", "303"]
`;

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !ok();) {
    if (Date.now() > end) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('SIGKILL of a shim kills its container; ps says exited; up -d restarts it', { skip: !isRoot, timeout: 120_000 }, async (t) => {
  const w = makeWorld();
  const project = `sd${shortId(6)}`;
  const file = join(w.root, 'compose.yaml');
  writeFileSync(file, COMPOSE);
  const base = ['-p', project, '-f', file];
  t.after(() => teardown(w, base));
  const seen = new Set<string>();
  w.ok([...base, 'up', '-d']);
  const first = ps(w, base);
  assert.equal(first.length, 3);
  for (const c of first) {
    seen.add(c.ID);
    const dir = join(w.root, 'containers', c.ID);
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { pid: number };
    const shim = Number(readFileSync(join(dir, 'shim.pid'), 'utf8'));
    // Every process of the container (its cgroup), the init first.
    const procs = [state.pid, ...readFileSync(`/proc/${state.pid}/task/${state.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)];
    assert.ok(procs.every(alive), `${c.Name}: running`);
    process.kill(shim, 'SIGKILL');
    await until(`${c.Name}: processes ${procs.join(' ')} gone after its shim was killed`, () => !procs.some(alive));
  }
  const after = ps(w, base);
  assert.deepEqual(after.map((c) => `${c.Service}:${c.State}`).sort(), ['root:exited', 'tini:exited', 'user:exited']);
  w.ok([...base, 'up', '-d']);
  const again = ps(w, base);
  assert.deepEqual(again.map((c) => `${c.Service}:${c.State}`).sort(), ['root:running', 'tini:running', 'user:running']);
  assert.deepEqual(again.map((c) => c.ID).sort(), first.map((c) => c.ID).sort(), 'the same containers, started again');
  w.ok([...base, 'down', '-t', '0']);
  assert.deepEqual(leftovers(w, [...seen]), []);
});
