// berth-shim lifecycle with a real runtime: the start report, exit codes and
// signals recorded, stop with a grace period, surviving the starter, and no
// leftovers. Runs with runc (reference) and with berth-runtime when built.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { isRoot, tempDir } from '../../helpers/env.js';
import { ShimCase, alive, berthRuntimeBin, makeRootfs, runcBin, shimBin } from './harness.js';

const skip = !isRoot ? 'needs root' : !existsSync(shimBin) ? 'berth-shim not built' : false;

describe('berth-shim lifecycle', { skip }, () => {
  const shared = tempDir('berth-shim-rootfs-');
  let rootfs = '';
  before(() => { rootfs = makeRootfs(shared.path); });
  after(() => shared.cleanup());

  const runtimes = [['runc', runcBin]];
  if (existsSync(berthRuntimeBin)) runtimes.push(['berth-runtime', berthRuntimeBin]);
  for (const [name, runtime] of runtimes) {
    test(`runs a container to its exit code, logs in order, cleans up (${name})`, async () => {
      const c = new ShimCase(rootfs);
      try {
        const report = await c.start({
          runtime,
          args: ['sh', '-c', 'echo first; echo oops >&2; for i in 1 2 3 4 5; do echo line $i; done; exit 3'],
        });
        assert.match(report, /^ok [1-9][0-9]*$/);
        const shimPid = c.shimPid() ?? c.state().shimPid;
        const st = await c.waitFor((s) => s.status === 'exited', 'exit');
        assert.equal(st.exitCode, 3);
        assert.equal(st.signal, null);
        assert.equal(st.oomKilled, false);
        assert.equal(st.pid, 0);
        assert.equal(st.restartCount, 0);
        assert.match(st.startedAt!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
        assert.ok(Date.parse(st.finishedAt!) >= Date.parse(st.startedAt!));
        await c.waitShimGone(shimPid);
        const log = c.log();
        const out = log.filter((e) => e.stream === 'stdout').map((e) => e.log);
        assert.deepEqual(out, ['first\n', 'line 1\n', 'line 2\n', 'line 3\n', 'line 4\n', 'line 5\n']);
        assert.deepEqual(log.filter((e) => e.stream === 'stderr').map((e) => e.log), ['oops\n']);
        for (const e of log) assert.match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
        const times = out.map((_, i) => log.filter((e) => e.stream === 'stdout')[i].time);
        assert.deepEqual([...times].sort(), times, 'stdout entries in time order');
        assert.deepEqual(c.leftovers(), []);
      } finally {
        c.close();
      }
    });
  }

  test('reports the runtime error for a missing executable', async () => {
    const c = new ShimCase(rootfs);
    try {
      const report = await c.start({ args: ['/bin/nope'] });
      assert.match(report, /^error .*\/bin\/nope.*(no such file|not found)/i);
      const st = c.state();
      assert.equal(st.status, 'exited');
      assert.equal(st.exitCode, 127);
      assert.match(st.error ?? '', /\/bin\/nope/);
      await c.waitShimGone(st.shimPid);
      assert.deepEqual(c.leftovers(), []);
    } finally {
      c.close();
    }
  });

  test('records a SIGKILL from outside as 137 / SIGKILL', async () => {
    const c = new ShimCase(rootfs);
    try {
      const report = await c.start({ args: ['sleep', '60'] });
      const pid = Number(report.split(' ')[1]);
      assert.equal(c.state().status, 'running');
      assert.equal(c.state().pid, pid);
      process.kill(pid, 'SIGKILL');
      const st = await c.waitFor((s) => s.status === 'exited', 'exit');
      assert.equal(st.exitCode, 137);
      assert.equal(st.signal, 'SIGKILL');
      await c.waitShimGone(st.shimPid);
      assert.deepEqual(c.leftovers(), []);
    } finally {
      c.close();
    }
  });

  test('records an OOM kill (memory limit)', async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({
        args: ['sh', '-c', 'x=$(head -c 200000000 /dev/zero | tr "\\0" a); echo survived'],
        edit: (cfg) => { cfg.linux.resources.memory = { limit: 24 * 1024 * 1024 }; },
      });
      const st = await c.waitFor((s) => s.status === 'exited', 'exit', 30000);
      assert.equal(st.oomKilled, true, JSON.stringify(st));
      assert.equal(st.exitCode, 137);
      assert.equal(st.signal, 'SIGKILL');
      await c.waitShimGone(st.shimPid);
      assert.deepEqual(c.leftovers(), []);
    } finally {
      c.close();
    }
  });

  test('SIGTERM to the shim stops the container and the shim', async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({ args: ['sleep', '60'], extra: ['--restart', 'always', '--stop-timeout', '0'] });
      const shimPid = c.shimPid()!;
      process.kill(shimPid, 'SIGTERM');
      await c.waitShimGone(shimPid);
      const st = c.state();
      assert.equal(st.status, 'exited');
      assert.equal(st.exitCode, 137);
      assert.equal(st.restartCount, 0);
      assert.deepEqual(c.leftovers(), []);
    } finally {
      c.close();
    }
  });

  test('stop sends the signal, then SIGKILL after the grace period', async () => {
    const c = new ShimCase(rootfs);
    try {
      // PID 1 with a handler that ignores SIGTERM: only SIGKILL ends it.
      await c.startOk({ args: ['sh', '-c', 'trap "echo ignored TERM" TERM; echo up; while :; do sleep 0.05; done'] });
      await c.waitFor(() => c.log().some((e) => e.log === 'up\n'), 'output');
      const t0 = Date.now();
      const reply = await c.ctl({ op: 'stop', signal: 'SIGTERM', timeout: 1 });
      const took = Date.now() - t0;
      assert.deepEqual(reply, { ok: true, exitCode: 137 });
      assert.ok(took >= 900, `stop took ${took} ms, before the grace period ended`);
      const st = c.state();
      assert.equal(st.status, 'exited');
      assert.equal(st.signal, 'SIGKILL');
      assert.ok(c.log().some((e) => e.log === 'ignored TERM\n'), 'SIGTERM was delivered first');
      await c.waitShimGone(st.shimPid);
      assert.deepEqual(c.leftovers(), []);
    } finally {
      c.close();
    }
  });

  test('stop of a container that exits on SIGTERM ends with 143, no restart', async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({ args: ['sh', '-c', 'trap "exit 143" TERM; echo trapped; while :; do sleep 0.05; done'], extra: ['--restart', 'always'] });
      // PID 1 ignores a SIGTERM it has no handler for: stop only once the trap is set (a loaded machine may be slow to get there).
      const end = Date.now() + 15_000;
      while (!c.log().some((e) => e.log === 'trapped\n')) {
        if (Date.now() > end) throw new Error('the container never set its trap');
        await new Promise((r) => setTimeout(r, 25));
      }
      // 143, not 137: it ended on SIGTERM, before the 60 s grace period ran out.
      const reply = await c.ctl({ op: 'stop', timeout: 60 });
      assert.deepEqual(reply, { ok: true, exitCode: 143 });
      const st = c.state();
      assert.equal(st.status, 'exited', 'a stop disables the restart policy');
      assert.equal(st.restartCount, 0);
      await c.waitShimGone(st.shimPid);
      assert.deepEqual(c.leftovers(), []);
    } finally {
      c.close();
    }
  });

  test('survives the exit of the process that started it', async () => {
    const c = new ShimCase(rootfs);
    try {
      // A separate starter process (as the CLI is) spawns the shim, prints the report and exits.
      const argv = c.argv({ args: [] });
      const { mkdirSync, writeFileSync } = await import('node:fs');
      const { makeConfig } = await import('./harness.js');
      mkdirSync(c.bundle, { recursive: true });
      writeFileSync(`${c.bundle}/config.json`, JSON.stringify(makeConfig(rootfs, c.id, ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.1; done'])));
      const script = `const {spawn}=require('child_process');const c=spawn(${JSON.stringify(shimBin)},${JSON.stringify(argv)},{detached:true,stdio:['ignore','ignore','ignore','pipe']});` +
        `let b='';c.stdio[3].on('data',d=>b+=d);c.stdio[3].on('end',()=>{process.stdout.write(b);process.exit(0)});c.unref();`;
      const starter = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      starter.stdout.on('data', (d) => { out += d; });
      const code = await new Promise((r) => starter.on('exit', r));
      assert.equal(code, 0);
      assert.match(out, /^ok \d+\n$/);
      const shimPid = c.shimPid()!;
      assert.ok(alive(shimPid), 'shim alive after the starter exited');
      const n0 = c.log().length;
      await c.waitFor(() => c.log().length >= n0 + 3, 'more log lines after the starter exited');
      const ticks = c.log().map((e) => Number(e.log.split(' ')[1]));
      assert.deepEqual(ticks, ticks.map((_, i) => i + 1), 'every line, in order');
      const reply = await c.ctl({ op: 'stop', timeout: 0 });
      assert.equal(reply.ok, true);
      await c.waitShimGone(shimPid);
      assert.deepEqual(c.leftovers(), []);
    } finally {
      c.close();
    }
  });
});
