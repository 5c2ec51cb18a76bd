// Real containers through src/container: busybox rootfs as one overlay lower
// layer, berth-shim, and the OCI runtime named by BERTH_RUNTIME (runc by default).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Containers, exec, inspect, stats, top } from '../../../src/container/index.js';
import type { ContainerSpecInput } from '../../../src/container/types.js';
import { mountsUnder } from '../../../src/container/rootfs.js';
import { statePaths } from '../../../src/state/paths.js';
import { BerthError } from '../../../src/errors.js';
import { isRoot, nativeOut, repoRoot, tempDir } from '../../helpers/env.js';
import { makeBusyboxRootfs } from '../../helpers/rootfs.js';

const shim = process.env.BERTH_SHIM ?? join(nativeOut, 'berth-shim');
// berth-runtime, the product's runtime, unless BERTH_RUNTIME names another
// (e.g. /usr/sbin/runc, the reference: the suite passes on both).
const runtime = process.env.BERTH_RUNTIME ?? join(nativeOut, 'berth-runtime');
const init = process.env.BERTH_INIT ?? join(nativeOut, 'berth-init');
const S = 1_000_000_000;

interface LogLine { log: string; stream: string; time: string }
function logLines(path: string): LogLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine);
}
const logText = (path: string) => logLines(path).map((l) => l.log).join('');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, f: () => T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

describe('container lifecycle (root)', { skip: !isRoot || !existsSync(shim) ? 'needs root and native/out/berth-shim' : false, concurrency: 2 }, () => {
  const tmp = tempDir('berth-ctr-');
  const layers = join(tmp.path, 'layers');
  const sp = statePaths(join(tmp.path, 'state'), {});
  const c = new Containers(sp, { shim, runtime, init });
  const made: string[] = [];

  before(() => {
    mkdirSync(join(layers, 'bb'), { recursive: true });
    makeBusyboxRootfs(join(layers, 'bb'));
  });
  after(async () => {
    for (const id of made) await c.remove(id, { force: true }).catch((e) => console.error(`cleanup ${id}: ${(e as Error).message}`));
    tmp.cleanup();
  });

  function input(cmd: string[], over: Partial<ContainerSpecInput> = {}): ContainerSpecInput {
    const id = randomBytes(32).toString('hex');
    made.push(id);
    return {
      id, name: `t-${id.slice(0, 8)}`,
      image: { ref: 'busybox:test', config: { Cmd: cmd, Env: ['PATH=/bin'] } },
      rootfs: { base: layers, lower: ['bb'] },
      network: { mode: 'none' },
      stopGracePeriod: 2 * S,
      ...over,
    };
  }

  /** Asserts that nothing of container `id` is left on the host. */
  function assertGone(id: string, pids: number[]): void {
    const p = c.pathsOf(id);
    assert.deepEqual(mountsUnder(p.runDir), [], 'no mounts');
    assert.ok(!existsSync(p.dir), 'no record dir');
    assert.ok(!existsSync(p.runDir), 'no runtime dir');
    assert.ok(!existsSync(p.socket), 'no socket');
    for (const ctl of readdirSync('/sys/fs/cgroup')) assert.ok(!existsSync(join('/sys/fs/cgroup', ctl, `berth-${id}`)), `no cgroup in ${ctl}`);
    for (const pid of pids) assert.ok(!alive(pid), `process ${pid} gone`);
    assert.ok(!existsSync(join(p.runtimeRoot, id)), 'no runtime state');
  }

  it('runs echo: logs in order in the json-file, exit code, PID 1, own hostname', async () => {
    const rec = await c.create(input(['sh', '-c', 'echo one; echo two >&2; echo pid=$$; hostname; for i in 1 2 3; do echo line$i; done; exit 3'], { hostname: 'boxy' }));
    assert.equal(inspect(c, rec.id).State.Status, 'created');
    await c.start(rec.name);
    const w = await c.wait(rec.id, { timeoutMs: 15_000 });
    assert.equal(w.exitCode, 3);
    // stdout and stderr are separate pipes: order holds within each stream.
    const lines = logLines(rec.logPath);
    assert.deepEqual(lines.filter((l) => l.stream === 'stdout').map((l) => l.log), ['one\n', 'pid=1\n', 'boxy\n', 'line1\n', 'line2\n', 'line3\n']);
    assert.deepEqual(lines.filter((l) => l.stream === 'stderr').map((l) => l.log), ['two\n']);
    assert.match(lines[0]!.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    const st = inspect(c, rec.id).State;
    assert.equal(st.Status, 'exited');
    assert.equal(st.ExitCode, 3);
    assert.equal(st.Running, false);
    assert.ok(c.list().some((x) => x.record.id === rec.id && x.observed.status === 'exited'));
    // Start again: a new shim, the same writable layer.
    await c.start(rec.id);
    assert.equal((await c.wait(rec.id, { timeoutMs: 15_000 })).exitCode, 3);
    assert.equal(logLines(rec.logPath).filter((l) => l.log === 'one\n').length, 2);
    await c.remove(rec.id);
    assertGone(rec.id, []);
    await c.remove(rec.id); // idempotent
  });

  it('isolates: no host processes or mounts, default caps forbid mount and module loading', async () => {
    const rec = await c.create(input(['sh', '-c', 'ps -o pid | wc -l; cat /proc/mounts | grep -c " /tmp/" ; mount -t tmpfs t /mnt 2>&1; echo mount=$?; insmod /x.ko 2>&1; echo insmod=$?']));
    await c.start(rec.id);
    await c.wait(rec.id, { timeoutMs: 15_000 });
    const out = logText(rec.logPath).split('\n');
    assert.ok(Number(out[0]) <= 4, `only sh, ps and wc (plus a header): ${out[0]}`);
    assert.equal(out[1], '0', 'no host mounts visible');
    assert.ok(out.includes('mount=1') || out.includes('mount=255'), out.join('|'));
    assert.ok(!out.includes('insmod=0'), out.join('|'));
    await c.remove(rec.id);
  });

  it('reports a start failure with the runtime\'s message and leaves a removable container', async () => {
    const rec = await c.create(input(['/bin/definitely-not-here']));
    await assert.rejects(c.start(rec.id), (e: unknown) => e instanceof BerthError && /definitely-not-here/.test(e.message) && !e.message.includes('\n'));
    assert.notEqual(inspect(c, rec.id).State.Status, 'running');
    await c.remove(rec.id);
    assertGone(rec.id, []);
  });

  it('create rolls back on failure and names are unique', async () => {
    const bad = input(['true'], { user: 'no-such-user' });
    await assert.rejects(c.create(bad), /unable to find user no-such-user/);
    assert.ok(!existsSync(c.pathsOf(bad.id).dir));
    assert.deepEqual(mountsUnder(c.pathsOf(bad.id).runDir), []);
    const ok = await c.create({ ...input(['true']), name: bad.name }); // the name was released
    await assert.rejects(c.create({ ...input(['true']), name: bad.name }), /already in use/);
    await assert.rejects(c.create({ ...input(['true']), name: '../evil' }), /invalid container name/);
    await c.remove(ok.id);
  });

  it('long-running: exec, top, stats, pause/unpause, stop with grace period, remove', async () => {
    const rec = await c.create(input(['sh', '-c', 'trap "" TERM; echo ready; while true; do sleep 0.1; done'], { stopGracePeriod: 1 * S }));
    const pid = await c.start(rec.id);
    assert.ok(pid > 0 && alive(pid));
    await until('ready', () => logText(rec.logPath).includes('ready'));
    assert.equal(inspect(c, rec.id).State.Status, 'running');
    assert.equal(inspect(c, rec.id).State.Pid, pid);

    const r = await exec(c, rec.id, ['sh', '-c', 'echo in-$HOSTNAME; echo err >&2; exit 4']);
    assert.equal(r.exitCode, 4);
    assert.equal(r.stdout, `in-${rec.id.slice(0, 12)}\n`);
    assert.equal(r.stderr, 'err\n');

    const r2 = await exec(c, rec.id, ['sh', '-c', 'id -u; pwd; echo $EXTRA; cat'], { user: '1000:1000', workdir: '/tmp', env: { EXTRA: 'x y' }, input: 'from stdin\n' });
    assert.equal(r2.stdout, '1000\n/tmp\nx y\nfrom stdin\n');
    await assert.rejects(exec(c, rec.id, []), /no command/);

    const t = await top(c, rec.id);
    assert.ok(t.processes.some((row) => row[1] === String(pid) && row[3]!.includes('sh -c')));

    const s = stats(c, rec.id);
    assert.ok(s.memory.usage > 0);
    assert.ok(s.pids.current >= 1);

    await c.pause(rec.id);
    assert.equal(inspect(c, rec.id).State.Status, 'paused');
    const before = logText(rec.logPath).length;
    await c.unpause(rec.id);
    assert.equal(inspect(c, rec.id).State.Status, 'running');
    assert.ok(before >= 0);

    await assert.rejects(c.remove(rec.id), /stop it first/);
    const t0 = Date.now();
    const code = await c.stop(rec.id);
    assert.ok(Date.now() - t0 >= 900, 'waited for the grace period');
    assert.equal(code, 137);
    assert.equal(inspect(c, rec.id).State.ExitCode, 137);
    assert.ok(!alive(pid));
    await c.remove(rec.id);
    assertGone(rec.id, [pid]);
  });

  it('stop: SIGTERM ends a cooperative container with 143; kill sends a signal', async () => {
    const rec = await c.create(input(['sh', '-c', 'trap "echo got-hup" HUP; trap "exit 143" TERM; echo traps-set; while true; do sleep 0.1; done']));
    await c.start(rec.id);
    await until('traps set', () => logText(rec.logPath).includes('traps-set'));
    await c.kill(rec.id, 'SIGHUP');
    await until('hup', () => logText(rec.logPath).includes('got-hup'));
    const code = await c.stop(rec.id, { timeout: 10 });
    assert.equal(code, 143);
    await c.remove(rec.id);
  });

  it('memory limit: an allocation above it is OOM-killed and reported', async () => {
    const rec = await c.create(input(['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'], { memLimit: 16 << 20, memswapLimit: 16 << 20 }));
    await c.start(rec.id);
    const w = await c.wait(rec.id, { timeoutMs: 20_000 });
    assert.equal(w.exitCode, 137);
    assert.equal(w.oomKilled, true);
    assert.equal(inspect(c, rec.id).State.OOMKilled, true);
    await c.remove(rec.id);
  });

  it('pids limit: forks beyond it fail', async () => {
    const rec = await c.create(input(['sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do (sleep 5 &) || echo no-fork; done; echo done; sleep 10'], { pidsLimit: 5 }));
    await c.start(rec.id);
    assert.equal(stats(c, rec.id).pids.limit, 5);
    await until('fork failure', () => /done/.test(logText(rec.logPath)), 10_000);
    assert.match(logText(rec.logPath), /fork/i);
    assert.ok(stats(c, rec.id).pids.current <= 5);
    await c.remove(rec.id, { force: true });
    assertGone(rec.id, []);
  });

  it('init: true runs berth-init as PID 1 and reaps zombies', { skip: existsSync(init) ? false : 'native/out/berth-init not built' }, async () => {
    // An orphan is reparented to PID 1; after `exec sleep`, PID 1 is a program that never reaps.
    const cmd = ['sh', '-c', '(sleep 0.1 &); exec sleep 30'];
    // Once the orphan's sleep is over, only PID 1's sleep runs; the orphan is then reaped or a zombie.
    const zombies = async (id: string, want: number) => {
      const end = Date.now() + 10_000;
      for (;;) {
        const sleeps = (await exec(c, id, ['ps', '-o', 'stat,comm'])).stdout.split('\n').map((l) => l.trim()).filter((l) => / sleep$/.test(l));
        const z = sleeps.filter((l) => /^Z/.test(l)).length;
        if (sleeps.length - z === 1 && z === want) return z;
        if (Date.now() > end) return z;
        await sleep(25);
      }
    };
    const withInit = await c.create(input(cmd, { init: true }));
    const without = await c.create(input(cmd));
    await c.start(withInit.id);
    await c.start(without.id);
    const pid1 = (await exec(c, withInit.id, ['cat', '/proc/1/cmdline'])).stdout.split('\0').filter(Boolean);
    assert.deepEqual(pid1, ['/sbin/berth-init', '--', 'sh', '-c', '(sleep 0.1 &); exec sleep 30']);
    assert.equal(await zombies(withInit.id, 0), 0, 'berth-init reaped the orphan');
    assert.equal(await zombies(without.id, 1), 1, 'control: without init the orphan stays a zombie');
    // berth-init forwards the stop signal to the command (sleep dies of SIGTERM).
    assert.equal(await c.stop(withInit.id, { timeout: 5 }), 143);
    await c.remove(withInit.id);
    await c.remove(without.id, { force: true });
  });

  it('survives the CLI exiting; the container dies with a killed shim, shows as exited, and remove cleans up', async () => {
    const inp = input(['sh', '-c', 'while true; do echo tick; sleep 0.2; done']);
    const script = `
      import { Containers } from ${JSON.stringify(join(repoRoot, 'dist/src/container/index.js'))};
      import { statePaths } from ${JSON.stringify(join(repoRoot, 'dist/src/state/paths.js'))};
      const c = new Containers(statePaths(${JSON.stringify(sp.root)}, {}), ${JSON.stringify({ shim, runtime, init })});
      await c.create(${JSON.stringify(inp)});
      console.log(await c.start(${JSON.stringify(inp.id)}));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    const pid = Number(r.stdout.trim());
    const st = await until('running without the CLI', () => { const s = inspect(c, inp.id).State; return s.Status === 'running' && s; });
    assert.equal(st.Status, 'running');
    assert.equal(st.Pid, pid);
    const n = logLines(c.pathsOf(inp.id).log).length;
    await until('more logs', () => logLines(c.pathsOf(inp.id).log).length > n);

    const shimPid = Number(readFileSync(c.pathsOf(inp.id).shimPid, 'utf8'));
    process.kill(shimPid, 'SIGKILL');
    await until('shim gone', () => !alive(shimPid) || readFileSync(`/proc/${shimPid}/stat`, 'utf8').split(' ')[2] === 'Z');
    // The runtime armed a parent-death SIGKILL on the container's init: it goes with its shim.
    await until('container process gone', () => !alive(pid) || readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] === 'Z');
    await until('seen as exited', () => c.list().find((x) => x.record.id === inp.id)!.observed.status === 'exited');
    assert.equal(inspect(c, inp.id).State.Running, false);
    await c.remove(inp.id, { force: true });
    await until('container process reaped', () => !alive(pid));
    assertGone(inp.id, [pid]);
  });

  it('concurrent starts spawn one shim', async () => {
    const rec = await c.create(input(['sh', '-c', 'echo up; while true; do sleep 0.1; done']));
    const pids = await Promise.all([c.start(rec.id), c.start(rec.id), c.start(rec.id)]);
    assert.equal(new Set(pids).size, 1);
    await until('up', () => logText(rec.logPath).includes('up'));
    assert.equal(logText(rec.logPath), 'up\n');
    await c.remove(rec.id, { force: true });
  });

  it('gc repairs a create that crashed after mounting the rootfs', async () => {
    const inp = input(['true']);
    const p = c.pathsOf(inp.id);
    // What a create killed between the mount and the record leaves behind.
    const { mountRootfs } = await import('../../../src/container/rootfs.js');
    mkdirSync(p.dir, { recursive: true });
    await mountRootfs({ base: layers, lower: ['bb'], upper: p.upper, work: p.work, target: p.rootfs });
    assert.deepEqual(mountsUnder(p.runDir), [p.rootfs]);
    assert.ok(!c.list().some((x) => x.record.id === inp.id), 'not listed without a record');
    assert.deepEqual(await c.gc(), [inp.id]);
    assertGone(inp.id, []);
  });

  it('stop and forced remove work on a paused container', async () => {
    const rec = await c.create(input(['sh', '-c', 'while true; do sleep 0.1; done']));
    const pid = await c.start(rec.id);
    await c.pause(rec.id);
    assert.equal(await c.stop(rec.id, { timeout: 1 }), 137);
    await c.start(rec.id);
    await c.pause(rec.id);
    await c.remove(rec.id, { force: true });
    assertGone(rec.id, [pid]);
  });

  it('host leftovers: no berth mounts under the test root', () => {
    assert.deepEqual(mountsUnder(tmp.path).filter((m) => !made.some((id) => m.includes(id))), []);
    execFileSync('true');
  });
});
