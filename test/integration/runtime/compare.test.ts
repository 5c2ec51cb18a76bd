// The same bundles under berth-runtime, runc and crun: outputs and exit
// codes must agree (and match what the OCI spec says they should be).
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { defaultConfig, type OciConfig } from '../../helpers/bundle.js';
import { isRoot } from '../../helpers/env.js';
import { deviceConfig, RuntimeHarness } from './harness.js';

const sh = (script: string) => defaultConfig(['sh', '-c', script]);

describe('berth-runtime matches runc and crun', { skip: !isRoot && 'needs root' }, () => {
  let h: RuntimeHarness;
  before(() => { h = new RuntimeHarness(); });
  after(() => h?.cleanup());

  /** Runs config under every runtime; returns [name, code, stdout] triples. */
  function runAll(config: OciConfig) {
    const bundle = h.bundle(config);
    return h.runtimes.map((rt) => {
      const r = rt.run(['run', '--bundle', bundle, h.id(rt)]);
      return { name: rt.name, code: r.status, stdout: r.stdout, stderr: r.stderr };
    });
  }

  function expectAll(config: OciConfig, code: number, stdout: string | RegExp) {
    for (const r of runAll(config)) {
      assert.equal(r.code, code, `${r.name}: exit ${r.code}, stderr: ${r.stderr}`);
      if (typeof stdout === 'string') assert.equal(r.stdout, stdout, r.name);
      else assert.match(r.stdout, stdout, r.name);
    }
  }

  test('runs against both reference runtimes (runc and crun, from scripts/host-packages.txt)', () => {
    // Without them every comparison below would compare berth with itself.
    const names = h.runtimes.map((r) => r.name);
    for (const ref of ['runc', 'crun']) assert.ok(names.includes(ref), `${ref} is not installed: apt-get install ${ref} (scripts/host-packages.txt)`);
  });

  test('echo', () => expectAll(defaultConfig(['echo', 'hello', 'world']), 0, 'hello world\n'));

  test('exit codes 0 and 3', () => {
    expectAll(sh('exit 0'), 0, '');
    expectAll(sh('echo out; exit 3'), 3, 'out\n');
  });

  test('the process is PID 1 and has its own hostname', () => {
    const c = sh('echo $$; hostname');
    c.hostname = 'box-cmp';
    expectAll(c, 0, '1\nbox-cmp\n');
  });

  test('cannot see host processes', () => {
    // while ps runs, only the shell (PID 1) and ps exist
    expectAll(sh('ps -o comm > /dev/shm/ps; tail -n +2 /dev/shm/ps | xargs; echo $$'), 0, 'sh ps\n1\n');
  });

  test('default capabilities: no mount, no module loading', () => {
    expectAll(sh('grep -E "^Cap(Eff|Bnd)" /proc/self/status; mount -t tmpfs x /tmp 2>/dev/null; echo mount=$?'),
      0, 'CapEff:\t0000000020000420\nCapBnd:\t0000000020000420\nmount=1\n');
    // CAP_SYS_MODULE (bit 16) and CAP_SYS_ADMIN (21) are absent from the bounding set
  });

  test('read-only rootfs, writable tmpfs', () => {
    const c = sh('touch /x 2>/dev/null; echo root=$?; touch /dev/shm/x; echo shm=$?');
    expectAll(c, 0, 'root=1\nshm=0\n');
  });

  test('masked and read-only paths', () => {
    expectAll(sh('cat /proc/kcore 2>/dev/null; echo kcore=$?; ls /sys/firmware | wc -l; echo 1 > /proc/sys/kernel/domainname 2>/dev/null; echo sys=$?'),
      0, 'kcore=1\n0\nsys=1\n');
  });

  test('env, cwd, user and groups', () => {
    const c = sh('echo $FOO; pwd; id; echo $HOME');
    c.process.env.push('FOO=bar baz');
    c.process.cwd = '/tmp';
    c.process.user = { uid: 1000, gid: 1000, additionalGids: [2000] };
    // HOME comes from the container's /etc/passwd when the env has none
    expectAll(c, 0, 'bar baz\n/tmp\nuid=1000(app) gid=1000(app) groups=2000(extra)\n/home/app\n');
  });

  test('a missing cwd is created', () => {
    const c = sh('pwd');
    c.root.readonly = false;
    c.process.cwd = `/made/by/runtime`;
    expectAll(c, 0, '/made/by/runtime\n');
  });

  test('rlimits and umask', () => {
    const c = sh('ulimit -n; umask');
    c.process.rlimits = [{ type: 'RLIMIT_NOFILE', hard: 512, soft: 256 }];
    c.process.user.umask = 0o27;
    expectAll(c, 0, '256\n0027\n');
  });

  test('seccomp: a syscall denied with errnoRet', () => {
    const c = sh('mkdir /dev/shm/d 2>&1; echo mkdir=$?; echo ok');
    c.linux.seccomp = {
      defaultAction: 'SCMP_ACT_ALLOW',
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
    };
    expectAll(c, 0, /Operation not permitted\nmkdir=1\nok\n$/);
  });

  test('bind mounts, tmpfs and sysctl', () => {
    const c = sh('cat /data/hello; mount | grep -c " /scratch type tmpfs"; cat /proc/sys/net/ipv4/ip_forward');
    c.mounts.push({ destination: '/data', type: 'bind', source: `${h.rootfs}/etc`, options: ['rbind', 'ro'] });
    c.mounts.push({ destination: '/scratch', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'size=1m'] });
    c.linux.sysctl = { 'net.ipv4.ip_forward': '1' };
    c.root.readonly = true;
    // /etc/hello is not in the rootfs: the bind shows the host directory content
    const r = runAll({ ...c, process: { ...c.process, args: ['sh', '-c', 'ls /data/passwd; mount | grep -c " /scratch type tmpfs"; cat /proc/sys/net/ipv4/ip_forward; touch /data/x 2>/dev/null; echo w=$?'] } });
    for (const x of r) {
      assert.equal(x.code, 0, `${x.name}: ${x.stderr}`);
      assert.equal(x.stdout, '/data/passwd\n1\n1\nw=1\n', x.name);
    }
  });

  test('device rules: mknod is allowed, using a device outside the rules is not', () => {
    expectAll(deviceConfig(), 0, '3\n0\nnull2-ok\n');
  });

  test('a user namespace: root inside is an unprivileged id outside', () => {
    // the mapped ids must reach the bundle: open up the private temp dirs
    for (const d of [h.dir, `${h.dir}/shared`]) chmodSync(d, 0o755);
    const c = sh('id; cat /proc/self/uid_map | xargs; ls -ln /bin/busybox | cut -c1-30 | xargs; echo x > /dev/null && echo null-ok; echo $$');
    c.linux.namespaces.push({ type: 'user' });
    c.linux.uidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
    c.linux.gidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
    expectAll(c, 0, 'uid=0(root) gid=0(root)\n0 200000 65536\n-rwxr-xr-x 1 65534 65534\nnull-ok\n1\n');
  });

  test('SIGKILL from outside: run exits 137', async () => {
    const bundle = h.bundle(defaultConfig(['sleep', '100']));
    for (const rt of h.runtimes) {
      const id = h.id(rt);
      const done = h.runAsync(rt, id, bundle);
      await h.waitStatus(rt, id, 'running');
      assert.equal(rt.run(['kill', id, 'KILL']).status, 0);
      const r = await done;
      assert.equal(r.code, 137, `${rt.name}: ${r.stderr}`);
    }
  });
});
