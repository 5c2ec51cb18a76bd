// berth-shim restart policies: on-failure:N, always (until a stop), no.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { isRoot, tempDir } from '../../helpers/env.js';
import { ShimCase, makeRootfs, shimBin } from './harness.js';

const skip = !isRoot ? 'needs root' : !existsSync(shimBin) ? 'berth-shim not built' : false;

describe('berth-shim restart policies', { skip }, () => {
  const shared = tempDir('berth-shim-rootfs-');
  let rootfs = '';
  before(() => { rootfs = makeRootfs(shared.path); });
  after(() => shared.cleanup());

  test('on-failure:2 restarts exactly twice', async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({ args: ['sh', '-c', 'echo run; exit 1'], extra: ['--restart', 'on-failure:2'] });
      const shimPid = c.shimPid()!;
      const seen = new Set<string>();
      const st = await c.waitFor((s) => { seen.add(s.status); return s.status === 'exited'; }, 'final exit');
      assert.equal(st.restartCount, 2);
      assert.equal(st.exitCode, 1);
      await c.waitShimGone(shimPid);
      assert.deepEqual(c.log().map((e) => e.log), ['run\n', 'run\n', 'run\n']);
      assert.deepEqual(c.leftovers(), []);
    } finally {
      c.close();
    }
  });

  test('on-failure does not restart a clean exit', async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({ args: ['true'], extra: ['--restart', 'on-failure'] });
      const st = await c.waitFor((s) => s.status === 'exited', 'exit');
      assert.equal(st.restartCount, 0);
      assert.equal(st.exitCode, 0);
      await c.waitShimGone(st.shimPid);
    } finally {
      c.close();
    }
  });

  for (const policy of ['always', 'unless-stopped']) test(`${policy} restarts with back-off until stopped`, async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({ args: ['sh', '-c', 'echo run; sleep 0.1'], extra: ['--restart', policy] });
      const shimPid = c.shimPid()!;
      const t0 = Date.now();
      await c.waitFor((s) => s.restartCount >= 3 && s.status === 'running', 'three restarts');
      // Back-off 100 + 200 + 400 ms between runs (plus the runs themselves).
      assert.ok(Date.now() - t0 >= 700, `restarts came too fast (${Date.now() - t0} ms)`);
      const reply = await c.ctl({ op: 'stop', timeout: 0 });
      assert.equal(reply.ok, true);
      await c.waitShimGone(shimPid);
      const st = c.state();
      assert.equal(st.status, 'exited');
      assert.ok(st.restartCount >= 3);
      assert.ok(c.log().length >= 4);
      assert.deepEqual(c.leftovers(), []);
    } finally {
      c.close();
    }
  });

  test('a stop between restarts ends it at once', async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({ args: ['false'], extra: ['--restart', 'always'] });
      const shimPid = c.shimPid()!;
      // By the fourth restart the back-off is 800 ms: a wide window to stop in.
      await c.waitFor((s) => s.status === 'restarting' && s.restartCount >= 3, 'waiting to restart');
      const reply = await c.ctl({ op: 'stop', timeout: 5 });
      assert.equal(reply.ok, true);
      await c.waitShimGone(shimPid);
      const st = c.state();
      assert.equal(st.status, 'exited');
      assert.equal(st.pid, 0);
      const count = st.restartCount;
      assert.ok(count >= 3);
      assert.deepEqual(c.leftovers(), []);
      assert.equal(c.state().restartCount, count, 'no restart after the stop');
    } finally {
      c.close();
    }
  });
});
