// OCI conformance of config.json handling, with runc as the reference on the
// same bundles: required fields, capabilities, relative mount destinations,
// sysctls that would reach the host, LSM requests the host cannot honour,
// default device rules, exec options. Checked from inside with busybox.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig, type OciConfig } from '../../helpers/bundle.js';
import { isRoot, shortId } from '../../helpers/env.js';
import { RuntimeHarness } from './harness.js';

const sh = (script: string) => defaultConfig(['sh', '-c', script]);

describe('berth-runtime config conformance (against runc)', { skip: !isRoot && 'needs root' }, () => {
  let h: RuntimeHarness;
  before(() => { h = new RuntimeHarness(['berth', 'runc']); });
  after(() => h?.cleanup());

  /** `run` of the config under each runtime. `raw` edits the final JSON
   * (root.path included) for the required-field cases. */
  function runAll(config: OciConfig, raw?: (c: OciConfig) => void) {
    const c = structuredClone(config);
    c.root = { ...c.root, path: h.rootfs };
    raw?.(c);
    const bundle = join(h.dir, `c-${shortId(8)}`);
    mkdirSync(bundle);
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(c));
    return h.runtimes.map((rt) => {
      const id = h.id(rt);
      const r = rt.run(['run', '--bundle', bundle, id]);
      return { name: rt.name, id, code: r.status, stdout: r.stdout, stderr: r.stderr };
    });
  }

  function expectAll(config: OciConfig, code: number, stdout?: string, raw?: (c: OciConfig) => void) {
    const rs = runAll(config, raw);
    for (const r of rs) {
      assert.equal(r.code, code, `${r.name}: exit ${r.code}, stderr: ${r.stderr}`);
      if (stdout !== undefined) assert.equal(r.stdout, stdout, r.name);
    }
    return rs;
  }

  test('required fields: no root, no root.path, no process, no cwd, empty args', () => {
    const cases: Array<[(c: OciConfig) => void, RegExp]> = [
      [(c) => { delete c.root; }, /root is required/],
      [(c) => { c.root = { readonly: true }; }, /root\.path is required/],
      [(c) => { delete c.process; }, /process is required/],
      [(c) => { delete c.process.cwd; }, /process\.cwd is required/],
      [(c) => { c.process.args = []; }, /process\.args must not be empty/],
    ];
    for (const [edit, pattern] of cases) {
      const rs = expectAll(sh('echo no'), 1, '', edit);
      const berth = rs.find((r) => r.name === 'berth')!;
      assert.match(berth.stderr, pattern);
      assert.equal(berth.stderr.split('\n').length, 2, berth.stderr);
      assert.equal(h.state(h.berth, berth.id), null, 'no state left');
    }
  });

  test('no capabilities object: no capabilities at all', () => {
    const c = sh('grep -E "^Cap(Prm|Eff|Bnd|Amb)" /proc/self/status');
    delete c.process.capabilities;
    expectAll(c, 0, 'CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nCapAmb:\t0000000000000000\n');
  });

  test('an unknown capability is a warning and is left out', () => {
    const c = sh('grep CapBnd /proc/self/status');
    c.process.capabilities.bounding = ['CAP_KILL', 'CAP_NOT_A_CAP'];
    const rs = expectAll(c, 0, 'CapBnd:\t0000000000000020\n');
    assert.match(rs.find((r) => r.name === 'berth')!.stderr, /^warning: .*CAP_NOT_A_CAP/);
  });

  test('a relative mount destination is taken from /', () => {
    const c = sh('grep -c " /mnt/rel " /proc/self/mountinfo');
    c.mounts.push({ destination: 'mnt/rel', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] });
    c.root.readonly = false;
    expectAll(c, 0, '1\n');
  });

  test('mount options: propagation of a bind, nosymfollow, ro', () => {
    const src = join(h.dir, `bind-src-${shortId(6)}`);
    mkdirSync(src);
    const c = sh('for d in /s /n /r; do grep " $d " /proc/self/mountinfo | cut -d" " -f5-7 | sed "s/:[0-9]*/:N/"; done');
    c.mounts.push({ destination: '/s', type: 'bind', source: src, options: ['rbind', 'shared'] });
    c.mounts.push({ destination: '/n', type: 'bind', source: src, options: ['rbind', 'nosymfollow', 'nosuid'] });
    c.mounts.push({ destination: '/r', type: 'bind', source: src, options: ['rbind', 'ro', 'rprivate'] });
    expectAll(c, 0, '/s rw,relatime shared:N\n/n rw,nosuid,relatime,nosymfollow -\n/r ro,relatime -\n');
  });

  test('a cwd that is a file fails at create', () => {
    const c = sh('pwd');
    c.process.cwd = '/etc/passwd';
    const rs = expectAll(c, 1, '');
    assert.match(rs.find((r) => r.name === 'berth')!.stderr, /cwd \/etc\/passwd: Not a directory/);
  });

  test('sysctls only in namespaces the container owns; the host keeps its value', () => {
    const before = readFileSync('/proc/sys/net/ipv4/conf/lo/forwarding', 'utf8');
    const host = sh('true');
    host.linux.sysctl = { 'net.ipv4.conf.lo.forwarding': before.trim() === '1' ? '0' : '1' };
    host.linux.namespaces = host.linux.namespaces.filter((n: { type: string }) => n.type !== 'network');
    const rs = expectAll(host, 1, '');
    assert.match(rs.find((r) => r.name === 'berth')!.stderr, /sysctl net\.ipv4\.conf\.lo\.forwarding is not allowed in the host's network namespace/);
    assert.equal(readFileSync('/proc/sys/net/ipv4/conf/lo/forwarding', 'utf8'), before, 'host sysctl untouched');

    const other = sh('true');
    other.linux.sysctl = { 'vm.swappiness': '10' };
    assert.match(expectAll(other, 1, '').find((r) => r.name === 'berth')!.stderr, /is not in a separate kernel namespace/);

    const noIpc = sh('true');
    noIpc.linux.sysctl = { 'kernel.shmmni': '100' };
    noIpc.linux.namespaces = noIpc.linux.namespaces.filter((n: { type: string }) => n.type !== 'ipc');
    expectAll(noIpc, 1, '');

    const ok = sh('cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni /proc/sys/kernel/domainname');
    ok.linux.sysctl = { 'net.ipv4.ip_forward': '1', 'kernel.shmmni': '100', 'kernel.domainname': 'example.test' };
    expectAll(ok, 0, '1\n100\nexample.test\n');
  });

  test('AppArmor or SELinux asked on a host without them: an error, never unconfined', (t) => {
    let enabled = '';
    try { enabled = readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8'); } catch { /* not built in */ }
    if (enabled.startsWith('Y')) { t.skip('AppArmor is enabled here'); return; }
    const aa = sh('echo ran');
    aa.process.apparmorProfile = 'berth-test-profile';
    assert.match(expectAll(aa, 1, '').find((r) => r.name === 'berth')!.stderr, /AppArmor is not enabled/);
    const se = sh('echo ran');
    se.process.selinuxLabel = 'system_u:system_r:container_t:s0';
    assert.match(expectAll(se, 1, '').find((r) => r.name === 'berth')!.stderr, /SELinux is not enabled/);
  });

  test('device rules: the defaults runc allows, plus the config rules', (t) => {
    if (!readFileSync('/proc/self/mountinfo', 'utf8').includes(' /sys/fs/cgroup/devices ')) { t.skip('no v1 devices hierarchy'); return; }
    const c = sh('sort /sys/fs/cgroup/devices/devices.list');
    c.linux.resources.devices.push({ allow: true, type: 'c', major: 10, minor: 229, access: 'rw' });
    const rs = runAll(c);
    for (const r of rs) assert.equal(r.code, 0, r.stderr);
    const [berth, runc] = rs.map((r) => new Set(r.stdout.trim().split('\n')));
    for (const rule of runc ?? []) assert.ok(berth.has(rule), `berth lacks ${rule}`);
    assert.ok(berth.has('c 10:229 rw') && berth.has('c 10:200 rwm'));
  });

  test('disableOOMKiller', (t) => {
    if (!readFileSync('/proc/self/mountinfo', 'utf8').includes(' /sys/fs/cgroup/memory ')) { t.skip('no v1 memory hierarchy'); return; }
    const c = sh('head -1 /sys/fs/cgroup/memory/memory.oom_control');
    c.linux.resources.memory = { limit: 64 << 20, disableOOMKiller: true };
    expectAll(c, 0, 'oom_kill_disable 1\n');
  });

  test('exec --additional-gids and --cap as runc', async () => {
    const c = defaultConfig(['sleep', '30']);
    c.process.user = { uid: 1000, gid: 1000, additionalGids: [2000] };
    const bundle = h.bundle(c);
    for (const rt of h.runtimes) {
      const id = h.id(rt);
      assert.equal(rt.run(['run', '--detach', '--bundle', bundle, id]).status, 0);
      const g = rt.run(['exec', '--user', '1:2', '--additional-gids', '5', id, 'id']);
      assert.equal(g.stdout, 'uid=1 gid=2 groups=5,2000(extra)\n', `${rt.name}: ${g.stderr}`);
      // no inheritable set: the capability does not survive execve for a non-root user
      const cap = rt.run(['exec', '--cap', 'CAP_SYS_ADMIN', id, 'grep', 'CapEff', '/proc/self/status']);
      assert.equal(cap.stdout, 'CapEff:\t0000000000000000\n', rt.name);
      const rootCap = rt.run(['exec', '--user', '0', '--cap', 'CAP_SYS_ADMIN', id, 'grep', 'CapEff', '/proc/self/status']);
      // root keeps the config's three plus the added one
      const want = (0x20000000 | 0x400 | 0x20 | 0x200000).toString(16).padStart(16, '0');
      assert.equal(rootCap.stdout, `CapEff:\t${want}\n`, rt.name);
      assert.equal(rt.run(['kill', id, 'KILL']).status, 0);
      await h.waitStatus(rt, id, 'stopped');
      assert.equal(rt.run(['delete', id]).status, 0);
    }
  });
});
