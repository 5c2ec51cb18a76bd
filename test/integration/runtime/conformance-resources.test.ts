// linux.resources beyond memory/cpu/pids (blockIO, hugepageLimits, network,
// rdma, unified), seccomp flags, and hostile sizes: applied when the host
// can, one clear error and nothing left behind when it cannot, as runc.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig, makeRuntime, type OciConfig } from '../../helpers/bundle.js';
import { isRoot } from '../../helpers/env.js';
import { RuntimeHarness } from './harness.js';

const sh = (script: string) => defaultConfig(['sh', '-c', script]);
const mounts = () => readFileSync('/proc/self/mountinfo', 'utf8');
const v1 = (ctrl: string) => new RegExp(` /sys/fs/cgroup/[^ ]*\\b${ctrl}\\b[^ ]* `).test(mounts());
const unifiedControllers = () => { try { return readFileSync('/sys/fs/cgroup/unified/cgroup.controllers', 'utf8'); } catch { return ''; } };

/** A whole block device of this host, "major:minor" (throttling needs one). */
function blockDevice(): string | null {
  for (const d of readdirSync('/sys/block')) {
    if (/^(loop|ram|zram|nbd)/.test(d)) continue;
    try { return readFileSync(`/sys/block/${d}/dev`, 'utf8').trim(); } catch { /* gone */ }
  }
  return null;
}

describe('berth-runtime resources conformance (against runc)', { skip: !isRoot && 'needs root' }, () => {
  let h: RuntimeHarness;
  before(() => { h = new RuntimeHarness(['berth', 'runc']); });
  after(() => h?.cleanup());

  function runAll(config: OciConfig) {
    const bundle = h.bundle(config);
    return h.runtimes.map((rt) => {
      const id = h.id(rt);
      const r = rt.run(['run', '--bundle', bundle, id]);
      return { name: rt.name, id, code: r.status, stdout: r.stdout, stderr: r.stderr };
    });
  }

  /** Every runtime fails; berth with one line matching pattern, and no state or cgroup left. */
  function expectRefused(config: OciConfig, pattern: RegExp) {
    for (const r of runAll(config)) {
      assert.notEqual(r.code, 0, `${r.name} accepted it`);
      if (r.name !== 'berth') continue;
      assert.match(r.stderr, pattern);
      assert.equal(r.stderr.split('\n').length, 2, r.stderr);
      assert.equal(h.state(h.berth, r.id), null);
      for (const c of ['memory', 'pids', 'blkio', 'cpu']) assert.ok(!existsSync(`/sys/fs/cgroup/${c}/berth/${r.id}`), `${c} cgroup left`);
    }
  }

  test('blockIO throttling', (t) => {
    const dev = blockDevice();
    if (!v1('blkio') || !dev) { t.skip('no v1 blkio hierarchy or block device'); return; }
    const [major, minor] = dev.split(':').map(Number);
    const c = sh('cat /sys/fs/cgroup/blkio/blkio.throttle.read_bps_device /sys/fs/cgroup/blkio/blkio.throttle.write_iops_device');
    c.linux.resources.blockIO = { throttleReadBpsDevice: [{ major, minor, rate: 1048576 }], throttleWriteIOPSDevice: [{ major, minor, rate: 100 }] };
    for (const r of runAll(c)) {
      assert.equal(r.code, 0, `${r.name}: ${r.stderr}`);
      assert.equal(r.stdout, `${dev} 1048576\n${dev} 100\n`, r.name);
    }
  });

  test('a blockIO weight the kernel cannot take is an error', (t) => {
    if (!v1('blkio') || existsSync('/sys/fs/cgroup/blkio/blkio.leaf_weight')) { t.skip('this kernel has blkio weights'); return; }
    const c = sh('true');
    c.linux.resources.blockIO = { leafWeight: 300 };
    expectRefused(c, /linux\.resources\.blockIO\.leafWeight: .*blkio\.leaf_weight does not exist/);
  });

  test('hugepageLimits, network, rdma without their controller: an error naming it', (t) => {
    if (v1('hugetlb') || v1('net_cls') || v1('rdma')) { t.skip('this host mounts them on v1'); return; }
    const huge = sh('true');
    huge.linux.resources.hugepageLimits = [{ pageSize: '2MB', limit: 4194304 }];
    expectRefused(huge, /linux\.resources\.hugepageLimits: no hugetlb cgroup controller/);
    const net = sh('true');
    net.linux.resources.network = { classID: 1048577 };
    expectRefused(net, /linux\.resources\.network\.classID: no net_cls cgroup controller/);
    const rdma = sh('true');
    rdma.linux.resources.rdma = { mlx5_1: { hcaHandles: 3, hcaObjects: 10000 } };
    expectRefused(rdma, /linux\.resources\.rdma: no rdma cgroup controller/);
  });

  test('unified needs cgroup v2', (t) => {
    if (!v1('memory')) { t.skip('a cgroup v2 host'); return; }
    const c = sh('true');
    c.linux.resources.unified = { 'memory.high': '1000000' };
    expectRefused(c, /linux\.resources\.unified needs cgroup v2/);
  });

  test('cgroup v2: hugepageLimits and unified applied, a unified key leaving the cgroup refused', async (t) => {
    if (!unifiedControllers().includes('hugetlb')) { t.skip('no hugetlb on the unified hierarchy'); return; }
    const rt = makeRuntime('berth-v2', join(h.dir, 'root-berth-v2'));
    const subtree = '/sys/fs/cgroup/unified/cgroup.subtree_control';
    const had = readFileSync(subtree, 'utf8').includes('hugetlb');
    const ids: string[] = [];
    try {
      const c = sh('cat /sys/fs/cgroup/hugetlb.2MB.max /sys/fs/cgroup/hugetlb.2MB.rsvd.max');
      c.linux.resources.hugepageLimits = [{ pageSize: '2MB', limit: 4194304 }];
      c.linux.resources.unified = { 'hugetlb.2MB.rsvd.max': '2097152' };
      ids.push('v2-huge-' + process.pid);
      const r = rt.run(['run', '--bundle', h.bundle(c), ids[0]]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '4194304\n2097152\n');
      for (const key of ['../cgroup.procs', 'cgroup.procs/../x', '.hidden']) {
        const bad = sh('true');
        bad.linux.resources.unified = { [key]: '1' };
        const id = `v2-bad-${ids.length}-${process.pid}`;
        ids.push(id);
        const b = rt.run(['run', '--bundle', h.bundle(bad), id]);
        assert.equal(b.status, 1);
        assert.match(b.stderr, /linux\.resources\.unified: invalid key/);
        assert.ok(!existsSync(`/sys/fs/cgroup/unified/berth/${id}`));
      }
    } finally {
      for (const id of ids) rt.run(['delete', '--force', id]);
      // leave the host's root as it was; a just-removed (dying) cgroup keeps
      // the controller busy for a moment
      for (let i = 0; !had && i < 50; i++) {
        try { writeFileSync(subtree, '-hugetlb'); break; } catch { await new Promise((r) => setTimeout(r, 50)); }
      }
    }
  });

  test('seccomp flags: known ones load, an unknown one is refused', () => {
    const rt = h.berth;
    const c = sh('grep "^Seccomp:" /proc/self/status');
    c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'],
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] };
    const ok = rt.run(['run', '--bundle', h.bundle(c), h.id(rt)]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, 'Seccomp:\t2\n');
    c.linux.seccomp.flags = ['SECCOMP_FILTER_FLAG_NOPE'];
    const id = h.id(rt);
    const bad = rt.run(['run', '--bundle', h.bundle(c), id]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /seccomp: unsupported flag SECCOMP_FILTER_FLAG_NOPE/);
    assert.equal(h.state(rt, id), null);
  });

  test('a 6 MB config (100k annotations) runs and its annotations reach the state', () => {
    const rt = h.berth;
    const c = defaultConfig(['sleep', '30']);
    c.annotations = {};
    for (let i = 0; i < 100_000; i++) c.annotations[`org.example.k${i}`] = 'v'.repeat(40);
    const id = h.id(rt);
    const r = rt.run(['create', '--bundle', h.bundle(c), id], { timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const st = h.state(rt, id)!;
    assert.equal(Object.keys(st.annotations as object).length, 100_000);
    assert.equal(rt.run(['delete', '--force', id]).status, 0);
  });

  test('delete --force of a missing container succeeds, as runc', () => {
    for (const rt of h.runtimes) {
      assert.equal(rt.run(['delete', '--force', `missing-${process.pid}`]).status, 0, rt.name);
      assert.notEqual(rt.run(['delete', `missing-${process.pid}`]).status, 0, rt.name);
    }
  });
});
