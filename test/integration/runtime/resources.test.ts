// cgroup limits with real processes: memory (OOM kill detected), pids,
// cpu and cpuset knobs, cleanup; and berth-init as PID 1.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../helpers/bundle.js';
import { isRoot, nativeOut } from '../../helpers/env.js';
import { RuntimeHarness } from './harness.js';

const v1 = !existsSync('/sys/fs/cgroup/cgroup.controllers');
const knob = (ctrl: string, id: string, file: string) =>
  readFileSync(v1 ? `/sys/fs/cgroup/${ctrl}/berth/${id}/${file}` : `/sys/fs/cgroup/berth/${id}/${file}`, 'utf8').trim();

describe('berth-runtime cgroups', { skip: !isRoot && 'needs root' }, () => {
  let h: RuntimeHarness;
  before(() => { h = new RuntimeHarness(['berth']); });
  after(() => h?.cleanup());

  test('memory limit: an allocation above it is OOM-killed and reported', async () => {
    const rt = h.berth;
    const id = h.id(rt);
    // a shell variable of 64 MiB against a 24 MiB limit without swap
    const c = defaultConfig(['sh', '-c', 'x=$(head -c 67108864 /dev/zero | tr "\\0" a); echo survived']);
    c.linux.resources.memory = { limit: 24 * 1024 * 1024, swap: 24 * 1024 * 1024 };
    assert.equal(rt.run(['create', '--bundle', h.bundle(c), id]).status, 0);
    assert.equal(knob('memory', id, v1 ? 'memory.limit_in_bytes' : 'memory.max'), String(24 * 1024 * 1024));
    assert.equal(rt.run(['start', id]).status, 0);
    await h.waitStatus(rt, id, 'stopped', 20_000);
    const stats = JSON.parse(rt.run(['events', '--stats', id]).stdout);
    assert.ok(stats.data.memory.oomKills >= 1, JSON.stringify(stats));
    assert.equal(rt.run(['delete', id]).status, 0);
  });

  test('memory limit through run: the OOM kill fails the run', () => {
    const rt = h.berth;
    const c = defaultConfig(['sh', '-c', 'x=$(head -c 67108864 /dev/zero | tr "\\0" a); echo survived']);
    c.linux.resources.memory = { limit: 24 * 1024 * 1024, swap: 24 * 1024 * 1024 };
    const r = rt.run(['run', '--bundle', h.bundle(c), h.id(rt)]);
    assert.equal(r.stdout, '');
    assert.notEqual(r.status, 0);
  });

  test('pids limit is enforced', () => {
    const rt = h.berth;
    const script = 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 1 & done; echo all-started';
    const limited = defaultConfig(['sh', '-c', script]);
    limited.linux.resources.pids = { limit: 6 };
    const r = rt.run(['run', '--bundle', h.bundle(limited), h.id(rt)]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /can't fork: Resource temporarily unavailable/);
    assert.equal(r.stdout, '');
    const free = rt.run(['run', '--bundle', h.bundle(defaultConfig(['sh', '-c', script])), h.id(rt)]);
    assert.equal(free.stdout, 'all-started\n', free.stderr);
  });

  test('cpu shares, quota/period and cpuset are written', () => {
    const rt = h.berth;
    const id = h.id(rt);
    const c = defaultConfig(['true']);
    c.linux.resources.cpu = { shares: 512, quota: 50000, period: 100000, cpus: '0', mems: '0' };
    c.linux.resources.memory = { reservation: 8 * 1024 * 1024 };
    assert.equal(rt.run(['create', '--bundle', h.bundle(c), id]).status, 0);
    if (v1) {
      assert.equal(knob('cpu', id, 'cpu.shares'), '512');
      assert.equal(knob('cpu', id, 'cpu.cfs_quota_us'), '50000');
      assert.equal(knob('cpu', id, 'cpu.cfs_period_us'), '100000');
      assert.equal(knob('cpuset', id, 'cpuset.cpus'), '0');
      assert.equal(knob('memory', id, 'memory.soft_limit_in_bytes'), String(8 * 1024 * 1024));
    } else {
      assert.equal(knob('', id, 'cpu.max'), '50000 100000');
      assert.equal(knob('', id, 'cpuset.cpus'), '0');
    }
    assert.equal(rt.run(['delete', id]).status, 0);
    assert.ok(!existsSync(v1 ? `/sys/fs/cgroup/cpu/berth/${id}` : `/sys/fs/cgroup/berth/${id}`));
  });

  test('a custom cgroupsPath; a hostile one is refused', () => {
    const rt = h.berth;
    const id = h.id(rt);
    const c = defaultConfig(['cat', '/proc/self/cgroup']);
    c.linux.cgroupsPath = `/berth-test-${id}/inner`;
    const r = rt.run(['run', '--bundle', h.bundle(c), id]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`:/berth-test-${id}/inner\\n`));
    assert.ok(!existsSync(`/sys/fs/cgroup/memory/berth-test-${id}`), 'parents made for it are removed too');
    const bad = defaultConfig(['true']);
    bad.linux.cgroupsPath = '/berth/../../escape';
    const r2 = rt.run(['run', '--bundle', h.bundle(bad), h.id(rt)]);
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /invalid cgroups path/);
  });
});

describe('berth-runtime cgroup ownership', { skip: !isRoot && 'needs root' }, () => {
  let h: RuntimeHarness;
  before(() => { h = new RuntimeHarness(['berth']); });
  after(() => h?.cleanup());

  test('delete removes the parents create made, never one that was there before', () => {
    const rt = h.berth;
    const id = h.id(rt);
    const pre = v1 ? `/sys/fs/cgroup/pids/berth-pre-${id}` : `/sys/fs/cgroup/berth-pre-${id}`;
    mkdirSync(pre);
    try {
      const c = defaultConfig(['true']);
      c.linux.cgroupsPath = `/berth-pre-${id}/made/leaf`;
      const r = rt.run(['run', '--bundle', h.bundle(c), id]);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(existsSync(pre), 'the pre-existing parent stays');
      assert.ok(!existsSync(`${pre}/made`), 'the level create made is gone');
      if (v1) assert.ok(!existsSync(`/sys/fs/cgroup/memory/berth-pre-${id}`), 'where create made it all, it is all gone');
    } finally {
      for (const d of [`${pre}/made/leaf`, `${pre}/made`, pre]) try { rmdirSync(d); } catch { /* gone */ }
    }
  });
});

describe('berth-init', { skip: !isRoot && 'needs root' }, () => {
  let h: RuntimeHarness;
  before(() => { h = new RuntimeHarness(['berth']); });
  after(() => h?.cleanup());

  function withInit(args: string[]) {
    const c = defaultConfig(['/sbin/init', '--', ...args]);
    c.mounts.push({ destination: '/sbin/init', type: 'bind', source: join(nativeOut, 'berth-init'), options: ['bind', 'ro'] });
    return c;
  }

  test('forwards SIGTERM to its child (exit 143) and passes exit codes', async () => {
    const rt = h.berth;
    assert.equal(rt.run(['run', '--bundle', h.bundle(withInit(['sh', '-c', 'exit 5'])), h.id(rt)]).status, 5);
    const id = h.id(rt);
    const done = h.runAsync(rt, id, h.bundle(withInit(['sleep', '100'])));
    await h.waitStatus(rt, id, 'running');
    // PID 1 ignores a signal it has no handler for: send TERM once berth-init catches it.
    const caught = () => { try { return (BigInt(`0x${/SigCgt:\s*(\w+)/.exec(readFileSync(`/proc/${h.state(rt, id)!.pid}/status`, 'utf8'))![1]}`) >> 14n) & 1n; } catch { return 0n; } };
    for (const end = Date.now() + 10_000; caught() !== 1n && Date.now() < end;) await new Promise((r) => setTimeout(r, 10));
    assert.equal(rt.run(['kill', id, 'TERM']).status, 0);
    const r = await done;
    assert.equal(r.code, 143, r.stderr);
  });

  test('with a terminal, the child runs in the foreground process group', () => {
    const rt = h.berth;
    // pid, process group and the terminal's foreground group of the shell
    const c = withInit(['sh', '-c', 'cut -d" " -f1,5,8 /proc/$$/stat']);
    c.process.terminal = true;
    const r = rt.run(['run', '--bundle', h.bundle(c), h.id(rt)], { timeout: 10_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.replace(/\r/g, ''), '2 2 2\n');
  });

  test('reaps orphaned zombies', () => {
    const rt = h.berth;
    // the subshell's child is orphaned onto PID 1 and exits; init must reap it
    const r = rt.run(['run', '--bundle', h.bundle(withInit(['sh', '-c', '(sleep 0.1 &); sleep 0.5; ps -o stat,comm | grep -c "^Z" || true'])), h.id(rt)]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '0\n');
  });
});
