// berth-shim healthchecks, as Docker runs them: starting -> healthy,
// -> unhealthy after `retries` failures, failures inside start_period ignored,
// timeouts, and the last five results kept.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { isRoot, tempDir } from '../../helpers/env.js';
import { ShimCase, makeRootfs, shimBin } from './harness.js';

const skip = !isRoot ? 'needs root' : !existsSync(shimBin) ? 'berth-shim not built' : false;
const ms = (n: number) => n * 1e6;

describe('berth-shim healthchecks', { skip }, () => {
  const shared = tempDir('berth-shim-rootfs-');
  let rootfs = '';
  before(() => { rootfs = makeRootfs(shared.path); });
  after(() => shared.cleanup());

  async function stop(c: ShimCase) {
    const pid = c.shimPid();
    await c.ctl({ op: 'stop', timeout: 0 });
    if (pid) await c.waitShimGone(pid);
    assert.deepEqual(c.leftovers(), []);
  }

  test('starting -> healthy once the probe passes (CMD)', async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({
        args: ['sh', '-c', 'sleep 0.6; touch /tmp/ready; while :; do sleep 1; done'],
        health: { test: ['CMD', 'test', '-e', '/tmp/ready'], interval_ns: ms(200), timeout_ns: ms(5000), retries: 10 },
      });
      assert.equal(c.state().health?.status, 'starting');
      const st = await c.waitFor((s) => s.health?.status === 'healthy', 'healthy');
      const log = st.health!.log;
      assert.equal(log[log.length - 1].exitCode, 0);
      assert.equal(st.health!.failingStreak, 0);
      assert.ok(log.slice(0, -1).every((r) => r.exitCode === 1), 'failed while /tmp/ready was missing');
      assert.ok(Date.parse(log[0].end) >= Date.parse(log[0].start));
      await stop(c);
    } finally {
      c.close();
    }
  });

  test('-> unhealthy after `retries` failures; keeps the last 5 results (CMD-SHELL)', async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({
        args: ['sleep', '60'],
        health: { test: ['CMD-SHELL', 'echo checking; exit 1'], interval_ns: ms(100), timeout_ns: ms(5000), retries: 3 },
      });
      const st = await c.waitFor((s) => s.health?.status === 'unhealthy', 'unhealthy');
      assert.equal(st.health!.failingStreak, 3);
      assert.deepEqual(st.health!.log.map((r) => [r.exitCode, r.output]), Array(3).fill([1, 'checking\n']));
      const later = await c.waitFor((s) => s.health!.failingStreak >= 7, 'more probes');
      assert.equal(later.health!.log.length, 5);
      assert.equal(later.health!.status, 'unhealthy');
      await stop(c);
    } finally {
      c.close();
    }
  });

  test('failures inside start_period do not count; start_interval applies there', async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({
        args: ['sleep', '60'],
        health: { test: ['CMD', 'false'], interval_ns: ms(2000), timeout_ns: ms(5000), retries: 1, start_period_ns: ms(1500), start_interval_ns: ms(100) },
      });
      const started = Date.parse(c.state().startedAt!);
      const sinceStart = (r: { start: string }) => Date.parse(r.start) - started;
      // (10 ms of slack: the shim measures on the monotonic clock.)
      // With a 2 s interval, only start_interval can put two probes inside the 1.5 s start period.
      const during = await c.waitFor((s) => (s.health?.log.length ?? 0) >= 2, 'probes during the start period');
      assert.ok(during.health!.log.slice(0, 2).every((r) => sinceStart(r) < 1500), 'probed at start_interval');
      assert.equal(during.health!.status, 'starting');
      assert.equal(during.health!.failingStreak, 0);
      const st = await c.waitFor((s) => s.health?.status === 'unhealthy', 'unhealthy after the start period');
      const log = st.health!.log;
      assert.equal(st.health!.failingStreak, 1);
      assert.ok(sinceStart(log[log.length - 1]) >= 1490, 'the failure that counted came after the start period');
      assert.ok(log.slice(0, -1).every((r) => sinceStart(r) < 1510), 'the earlier ones, inside it, did not count');
      await stop(c);
    } finally {
      c.close();
    }
  });

  test('a probe that exceeds its timeout fails', async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({
        args: ['sleep', '60'],
        health: { test: ['CMD', 'sleep', '30'], interval_ns: ms(100), timeout_ns: ms(300), retries: 1 },
      });
      const st = await c.waitFor((s) => s.health?.status === 'unhealthy', 'unhealthy', 10000);
      assert.equal(st.health!.log[0].exitCode, -1);
      assert.match(st.health!.log[0].output, /Health check exceeded timeout \(300ms\)/);
      await stop(c);
    } finally {
      c.close();
    }
  });

  test('NONE disables the healthcheck', async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({ args: ['sleep', '60'], health: { test: ['NONE'] } });
      assert.equal(c.state().health, null);
      await stop(c);
    } finally {
      c.close();
    }
  });
});
