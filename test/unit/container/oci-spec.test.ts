import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BerthError } from '../../../src/errors.js';
import { generateSpec, type SpecContext } from '../../../src/container/oci-spec.js';
import type { ContainerSpecInput } from '../../../src/container/types.js';
import { capsFromMask, DEFAULT_CAPS } from '../../../src/container/capabilities.js';
import { tempDir } from '../../helpers/env.js';

const tmp = tempDir('berth-spec-');
after(() => tmp.cleanup());
const rootfs = join(tmp.path, 'rootfs');
mkdirSync(join(rootfs, 'etc'), { recursive: true });
writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nwww:x:33:33:www:/var/www:/bin/false\napp:x:1000:1000::/home/app:/bin/sh\n');
writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nwww:x:33:\napp:x:1000:\naudio:x:29:app\nvideo:x:44:app,www\n');

const ID = 'a'.repeat(64);
function input(over: Partial<ContainerSpecInput> = {}): ContainerSpecInput {
  return {
    id: ID, name: 'proj-web-1',
    image: { ref: 'busybox:latest', config: { Cmd: ['sh'], Env: ['PATH=/bin:/usr/bin', 'A=image'] } },
    rootfs: { base: '/var/lib/berth/images/l', lower: ['abc'] },
    network: { mode: 'none' },
    ...over,
  };
}
const ctx: SpecContext = { rootfs, cgroupV2: false, hostNofile: { soft: 1024, hard: 524288 }, arch: 'x64' };
const gen = (over: Partial<ContainerSpecInput> = {}, c: Partial<SpecContext> = {}) => generateSpec(input(over), { ...ctx, ...c });

describe('OCI spec: process', () => {
  it('uses the image Cmd with Docker defaults', () => {
    const s = gen();
    assert.deepEqual(s.process.args, ['sh']);
    assert.equal(s.process.cwd, '/');
    assert.deepEqual(s.process.user, { uid: 0, gid: 0 });
    assert.equal(s.process.terminal, false);
    assert.equal(s.hostname, ID.slice(0, 12));
    assert.deepEqual(s.process.env, [`HOSTNAME=${ID.slice(0, 12)}`, 'PATH=/bin:/usr/bin', 'A=image', 'HOME=/root']);
    assert.deepEqual(s.process.capabilities.bounding, s.process.capabilities.effective);
    assert.deepEqual([...s.process.capabilities.bounding].sort(), [...DEFAULT_CAPS].sort());
    assert.deepEqual(s.process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 524288 }]);
    assert.equal(s.root.readonly, false);
    assert.equal(s.root.path, rootfs);
  });

  it('command replaces Cmd; entrypoint replaces Entrypoint and resets Cmd', () => {
    const img = { Entrypoint: ['/entry.sh'], Cmd: ['serve', '--port', '80'] };
    const base = { ref: 'x', config: img };
    assert.deepEqual(gen({ image: base }).process.args, ['/entry.sh', 'serve', '--port', '80']);
    assert.deepEqual(gen({ image: base, command: ['debug'] }).process.args, ['/entry.sh', 'debug']);
    assert.deepEqual(gen({ image: base, entrypoint: ['/bin/other'] }).process.args, ['/bin/other']);
    assert.deepEqual(gen({ image: base, entrypoint: ['/bin/other'], command: ['a'] }).process.args, ['/bin/other', 'a']);
    assert.deepEqual(gen({ image: base, entrypoint: [], command: ['echo', 'hi'] }).process.args, ['echo', 'hi']);
    assert.throws(() => gen({ image: { ref: 'x', config: {} } }), /no command specified/);
  });

  it('init runs berth-init with -- before the command and bind-mounts it', () => {
    const s = gen({ init: true, command: ['sleep', '1'] }, { initPath: '/opt/berth/native/out/berth-init' });
    assert.deepEqual(s.process.args, ['/sbin/berth-init', '--', 'sleep', '1']);
    const m = s.mounts.find((x) => x.destination === '/sbin/berth-init');
    assert.equal(m?.source, '/opt/berth/native/out/berth-init');
    assert.ok(m?.options?.includes('ro'));
    assert.throws(() => gen({ init: true }), /berth-init was not found/);
  });

  it('merges the environment: service overrides image by key, PATH default, TERM with tty', () => {
    const s = gen({ image: { ref: 'x', config: { Cmd: ['sh'], Env: ['A=1', 'B=2'] } }, environment: { B: 'svc', C: 'x=y' }, tty: true, hostname: 'web' });
    assert.deepEqual(s.process.env, [
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=web', 'TERM=xterm', 'A=1', 'B=svc', 'C=x=y', 'HOME=/root',
    ]);
    assert.equal(s.process.terminal, true);
    assert.throws(() => gen({ environment: { 'A=B': '1' } }), /invalid variable name/);
  });

  it('resolves user names, groups and supplementary groups from the rootfs', () => {
    assert.deepEqual(gen({ user: 'app' }).process.user, { uid: 1000, gid: 1000, additionalGids: [29, 44] });
    assert.ok(gen({ user: 'app' }).process.env.includes('HOME=/home/app'));
    assert.deepEqual(gen({ user: 'www:audio' }).process.user, { uid: 33, gid: 29, additionalGids: [44] });
    assert.deepEqual(gen({ user: '4242:4343' }).process.user, { uid: 4242, gid: 4343 });
    assert.ok(gen({ user: '4242' }).process.env.includes('HOME=/'));
    assert.deepEqual(gen({ image: { ref: 'x', config: { Cmd: ['sh'], User: '33' } } }).process.user, { uid: 33, gid: 33, additionalGids: [44] });
    assert.throws(() => gen({ user: 'nobody' }), (e: unknown) => e instanceof BerthError && /unable to find user nobody/.test(e.message));
    assert.throws(() => gen({ user: 'app:nogroup' }), /unable to find group nogroup/);
  });

  it('never reads /etc/passwd through a symlink that leaves the rootfs', () => {
    const evil = join(tmp.path, 'evil');
    mkdirSync(join(evil, 'etc'), { recursive: true });
    const outside = join(tmp.path, 'outside-passwd');
    writeFileSync(outside, 'hostuser:x:777:777::/host:/bin/sh\n');
    symlinkSync(outside, join(evil, 'etc/passwd'));
    assert.throws(() => gen({ user: 'hostuser' }, { rootfs: evil }), /unable to find user hostuser/);
    const rel = join(tmp.path, 'evil2');
    mkdirSync(rel, { recursive: true });
    symlinkSync('../../../../../../../../tmp', join(rel, 'etc'));
    assert.throws(() => gen({ user: 'hostuser' }, { rootfs: rel }), /unable to find user/);
  });

  it('working_dir must be absolute and overrides the image', () => {
    assert.equal(gen({ image: { ref: 'x', config: { Cmd: ['sh'], WorkingDir: '/srv' } } }).process.cwd, '/srv');
    assert.equal(gen({ workingDir: '/app' }).process.cwd, '/app');
    assert.throws(() => gen({ workingDir: 'app' }), /needs to be an absolute path/);
  });

  it('ulimits override the nofile default; the default is the host process\'s own limits, as dockerd gives its own', () => {
    assert.deepEqual(gen({}, { hostNofile: { soft: 20000, hard: 20000 } }).process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 }]);
    assert.deepEqual(gen({}, { hostNofile: undefined }).process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 524288 }], 'unknown: systemd\'s default');
    const s = gen({ ulimits: { nofile: { soft: 100, hard: 200 }, nproc: 50 } });
    assert.deepEqual(s.process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 100, hard: 200 }, { type: 'RLIMIT_NPROC', soft: 50, hard: 50 }]);
    assert.throws(() => gen({ ulimits: { bogus: 1 } }), /unknown limit/);
    assert.throws(() => gen({ ulimits: { nofile: { soft: 10, hard: 5 } } }), /greater than hard/);
  });
});

describe('OCI spec: security', () => {
  it('cap_add / cap_drop, ALL, names without CAP_ and in lower case', () => {
    const caps = (o: Partial<ContainerSpecInput>) => gen(o).process.capabilities.bounding;
    assert.ok(caps({ capAdd: ['net_admin'] }).includes('CAP_NET_ADMIN'));
    assert.ok(!caps({ capDrop: ['CAP_CHOWN'] }).includes('CAP_CHOWN'));
    assert.deepEqual(caps({ capDrop: ['ALL'], capAdd: ['NET_BIND_SERVICE'] }), ['CAP_NET_BIND_SERVICE']);
    assert.ok(caps({ capAdd: ['ALL'] }).includes('CAP_SYS_ADMIN'));
    assert.throws(() => gen({ capAdd: ['CAP_FLY'] }), /unknown capability/);
    // ALL and privileged are bounded by what the host can grant.
    const host = capsFromMask('000001fffeffffff'); // a root without CAP_SYS_RESOURCE (bit 24), like this CI machine
    assert.ok(!host.includes('CAP_SYS_RESOURCE') && host.includes('CAP_SYS_ADMIN'));
    assert.ok(!gen({ privileged: true }, { hostCaps: host }).process.capabilities.bounding.includes('CAP_SYS_RESOURCE'));
    assert.ok(!gen({ capAdd: ['ALL'] }, { hostCaps: host }).process.capabilities.bounding.includes('CAP_SYS_RESOURCE'));
  });

  it('default seccomp: allowlist, EPERM default, cap-dependent rules follow the caps', () => {
    const s = gen();
    const sc = s.linux.seccomp!;
    assert.equal(sc.defaultAction, 'SCMP_ACT_ERRNO');
    assert.equal(sc.defaultErrnoRet, 1);
    assert.deepEqual(sc.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    const allowed = new Set(sc.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args).flatMap((r) => r.names));
    for (const n of ['read', 'write', 'execve', 'arch_prctl', 'chroot', 'ptrace']) assert.ok(allowed.has(n), n);
    for (const n of ['mount', 'umount2', 'init_module', 'reboot', 'unshare', 'setns', 'kexec_load', 'bpf']) assert.ok(!allowed.has(n), n);
    // Unprivileged clone may not create namespaces; clone3 reports ENOSYS.
    const clone = sc.syscalls.find((r) => r.names.includes('clone') && r.args);
    assert.deepEqual(clone?.args, [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]);
    assert.deepEqual(sc.syscalls.find((r) => r.names.includes('clone3')), { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
    const admin = generateSpec(input({ capAdd: ['SYS_ADMIN'] }), ctx).linux.seccomp!;
    const adminAllowed = new Set(admin.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args).flatMap((r) => r.names));
    assert.ok(adminAllowed.has('mount') && adminAllowed.has('clone3'));
    assert.ok(!admin.syscalls.some((r) => r.names.includes('clone3') && r.action === 'SCMP_ACT_ERRNO'));
    const arm = gen({}, { arch: 'arm64' }).linux.seccomp!;
    assert.deepEqual(arm.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    assert.ok(!arm.syscalls.some((r) => r.names.includes('arch_prctl')));
  });

  it('masked and readonly paths, default device rules', () => {
    const s = gen();
    assert.ok(s.linux.maskedPaths!.includes('/proc/kcore'));
    assert.ok(s.linux.readonlyPaths!.includes('/proc/sys'));
    assert.deepEqual(s.linux.resources.devices[0], { allow: false, access: 'rwm' });
    assert.ok(s.linux.resources.devices.some((d) => d.allow && d.major === 1 && d.minor === 3));
    assert.equal(s.process.noNewPrivileges, false);
  });

  it('privileged: all caps, no seccomp, no masks, rw sysfs, all devices', () => {
    const fuse = { path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0 };
    const s = gen({ privileged: true }, { hostDevices: [fuse] });
    assert.deepEqual(s.linux.devices, [fuse]);
    assert.equal(gen({}, { hostDevices: [fuse] }).linux.devices, undefined);
    assert.ok(s.process.capabilities.bounding.includes('CAP_SYS_ADMIN'));
    assert.equal(s.linux.seccomp, undefined);
    assert.equal(s.linux.maskedPaths, undefined);
    assert.deepEqual(s.linux.resources.devices, [{ allow: true, access: 'rwm' }]);
    assert.ok(s.mounts.find((m) => m.destination === '/sys')!.options!.includes('rw'));
  });

  it('devices: host nodes with their numbers and a cgroup rule', () => {
    const s = gen({ devices: [{ source: '/dev/null', target: '/dev/mynull', permissions: 'rw' }] });
    assert.deepEqual(s.linux.devices, [{ path: '/dev/mynull', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 }]);
    assert.deepEqual(s.linux.resources.devices.at(-1), { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' });
    assert.throws(() => gen({ devices: [{ source: '/etc/passwd' }] }), /not a device node/);
    assert.throws(() => gen({ devices: [{ source: '/dev/nope-xyz' }] }), /no such device/);
  });

  it('sysctls: namespaced only, no net.* with host networking', () => {
    assert.deepEqual(gen({ sysctls: { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1000' } }).linux.sysctl, { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1000' });
    assert.throws(() => gen({ sysctls: { 'kernel.panic': '1' } }), /not namespaced/);
    assert.throws(() => gen({ sysctls: { 'net.ipv4.ip_forward': '1' }, network: { mode: 'host' } }), /network_mode host/);
  });
});

describe('OCI spec: mounts, namespaces and resources', () => {
  it('Docker default mounts in order, shm_size, read_only', () => {
    const s = gen({ shmSize: 1 << 20, readOnly: true });
    assert.deepEqual(s.mounts.map((m) => m.destination), ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm']);
    assert.ok(s.mounts.find((m) => m.destination === '/dev/shm')!.options!.includes(`size=${1 << 20}`));
    assert.equal(s.root.readonly, true);
  });

  it('tmpfs, binds and volumes sorted parents first; /etc files bind-mounted', () => {
    const s = gen({
      tmpfs: ['/run:size=1m,mode=755'],
      mounts: [
        { type: 'bind', source: rootfs, target: '/data/sub', readOnly: true },
        { type: 'volume', source: join(rootfs, 'etc'), target: '/data' },
        { type: 'tmpfs', target: '/cache', size: 4096, mode: 0o1777 },
      ],
    }, { etcFiles: { hosts: '/x/etc/hosts', resolvConf: '/x/etc/resolv.conf', hostname: '/x/etc/hostname' } });
    const user = s.mounts.slice(7);
    assert.deepEqual(user.map((m) => m.destination), ['/run', '/data', '/cache', '/etc/resolv.conf', '/etc/hostname', '/etc/hosts', '/data/sub']);
    assert.deepEqual(user.find((m) => m.destination === '/run')!.options, ['nosuid', 'nodev', 'noexec', 'size=1m', 'mode=755']);
    assert.deepEqual(user.find((m) => m.destination === '/data/sub'), { destination: '/data/sub', type: 'bind', source: rootfs, options: ['rbind', 'rprivate', 'ro'] });
    assert.throws(() => gen({ mounts: [{ type: 'bind', source: '/nonexistent-berth-src', target: '/x' }] }), /bind source path does not exist: \/nonexistent-berth-src/);
    assert.deepEqual(user.find((m) => m.destination === '/cache')!.options, ['nosuid', 'nodev', 'noexec', 'rw', 'size=4096', 'mode=1777']);
    assert.throws(() => gen({ tmpfs: ['run'] }), /must be absolute/);
    // A volume on /etc goes first, so it cannot hide the /etc files.
    const etc = gen({ mounts: [{ type: 'volume', source: join(rootfs, 'etc'), target: '/etc' }] }, { etcFiles: { resolvConf: '/x/etc/resolv.conf' } });
    const dests = etc.mounts.map((m) => m.destination);
    assert.ok(dests.indexOf('/etc') < dests.indexOf('/etc/resolv.conf'), dests.join(' '));
  });

  it('root propagation is private unless a bind asks for shared or slave', () => {
    assert.equal(gen().linux.rootfsPropagation, 'private');
    assert.equal(gen({ mounts: [{ type: 'bind', source: rootfs, target: '/a', propagation: 'rslave' }] }).linux.rootfsPropagation, 'rslave');
    const s = gen({ mounts: [{ type: 'bind', source: rootfs, target: '/a', propagation: 'shared' }, { type: 'bind', source: rootfs, target: '/b', propagation: 'slave' }] });
    assert.equal(s.linux.rootfsPropagation, 'rshared');
    assert.deepEqual(s.mounts.find((m) => m.destination === '/a')!.options, ['rbind', 'shared', 'rw']);
  });

  it('a user mount on /dev/shm replaces the default one', () => {
    const s = gen({ mounts: [{ type: 'bind', source: '/dev/shm', target: '/dev/shm' }] });
    const shm = s.mounts.filter((m) => m.destination === '/dev/shm');
    assert.equal(shm.length, 1);
    assert.equal(shm[0]!.type, 'bind');
  });

  it('namespaces: netns path, none, host; cgroup ns only on cgroup v2', () => {
    const ns = (o: Partial<ContainerSpecInput>, c: Partial<SpecContext> = {}) => gen(o, c).linux.namespaces;
    assert.deepEqual(ns({ network: { mode: 'netns', path: '/run/berth/netns/x' } }).find((n) => n.type === 'network'), { type: 'network', path: '/run/berth/netns/x' });
    assert.deepEqual(ns({}).find((n) => n.type === 'network'), { type: 'network' });
    assert.equal(ns({ network: { mode: 'host' } }).find((n) => n.type === 'network'), undefined);
    assert.equal(ns({}).find((n) => n.type === 'cgroup'), undefined);
    assert.ok(ns({}, { cgroupV2: true }).find((n) => n.type === 'cgroup'));
    assert.equal(gen({ network: { mode: 'host' } }, { hostHostname: 'myhost' }).hostname, 'myhost');
    assert.equal(gen({ hostname: 'web', domainname: 'example.test' }).domainname, 'example.test');
  });

  it('memory, cpu and pids limits', () => {
    const r = gen({ memLimit: 64 << 20, memReservation: 32 << 20, cpus: 1.5, cpuShares: 512, cpuset: '0-1', pidsLimit: 100 }).linux.resources;
    assert.deepEqual(r.memory, { limit: 64 << 20, reservation: 32 << 20, swap: 128 << 20 });
    assert.deepEqual(r.cpu, { period: 100000, quota: 150000, shares: 512, cpus: '0-1' });
    assert.deepEqual(r.pids, { limit: 100 });
    assert.deepEqual(gen({ memLimit: 64 << 20, memswapLimit: -1 }).linux.resources.memory, { limit: 64 << 20, swap: -1 });
    assert.deepEqual(gen({ cpuQuota: 50000, cpuPeriod: 100000 }).linux.resources.cpu, { quota: 50000, period: 100000 });
    assert.equal(gen().linux.resources.memory, undefined);
    assert.equal(gen().linux.cgroupsPath, `/berth-${ID}`);
    assert.throws(() => gen({ memLimit: 1024 }), /minimum memory limit/);
    assert.throws(() => gen({ memLimit: 64 << 20, memswapLimit: 32 << 20 }), /larger than or equal/);
    assert.throws(() => gen({ cpus: 1, cpuQuota: 1000 }), /conflicts/);
    assert.throws(() => gen({ cpuset: '0-1;rm -rf' }), /invalid CPU list/);
  });

  it('normalizes mount targets and refuses hostile ones', () => {
    const s = gen({ mounts: [{ type: 'bind', source: rootfs, target: '/../../data/' }], tmpfs: ['/x/../run'] });
    assert.deepEqual(s.mounts.slice(7).map((m) => m.destination), ['/run', '/data']);
    assert.throws(() => gen({ mounts: [{ type: 'bind', source: rootfs, target: '/..' }] }), /root "\/"/);
    assert.throws(() => gen({ tmpfs: ['/'] }), /root "\/"/);
    assert.throws(() => gen({ devices: [{ source: '/dev/null', target: '/dev/../etc/passwd' }] }), /under \/dev/);
  });

  it('refuses hostnames that would corrupt /etc/hosts', () => {
    assert.equal(gen({ hostname: 'web-1.internal' }).hostname, 'web-1.internal');
    assert.throws(() => gen({ hostname: 'a b' }), /invalid hostname/);
    assert.throws(() => gen({ hostname: 'x\n1.2.3.4 evil' }), /invalid hostname/);
    assert.throws(() => gen({ hostname: '../x' }), /invalid hostname/);
  });

  it('rejects ids that could escape paths', () => {
    assert.throws(() => gen({ id: '../../etc' }), /hex characters/);
  });
});

describe('OCI spec: pid, ipc and uts modes', () => {
  const types = (s: ReturnType<typeof gen>) => s.linux.namespaces.map((n) => (n.path ? `${n.type}=${n.path}` : n.type));
  it('gives a container its own namespaces by default', () => {
    assert.deepEqual(types(gen()), ['pid', 'ipc', 'uts', 'mount', 'network']);
  });
  it('leaves out the namespaces shared with the host; uts host sets no hostname', () => {
    const s = gen({ pid: 'host', ipc: 'host', uts: 'host' }, { hostHostname: 'the-host' });
    assert.deepEqual(types(s), ['mount', 'network']);
    assert.equal(s.hostname, undefined);
    assert.ok(s.process.env.includes('HOSTNAME=the-host'));
    const shm = s.mounts.find((m) => m.destination === '/dev/shm');
    assert.equal(shm?.type, 'bind');
    assert.equal(shm?.source, '/dev/shm');
  });
  it('joins another container by the path known now, or its own until the start fills it in', () => {
    const other = { container: 'b'.repeat(64) };
    assert.deepEqual(types(gen({ pid: other, ipc: other }, { joined: { pid: '/proc/42/ns/pid', ipc: '/proc/42/ns/ipc' } })),
      ['pid=/proc/42/ns/pid', 'ipc=/proc/42/ns/ipc', 'uts', 'mount', 'network']);
    assert.deepEqual(types(gen({ ipc: other })), ['pid', 'ipc', 'uts', 'mount', 'network']);
  });
  it('ipc none has no /dev/shm; private has its own; a shareable one is bound from the host', () => {
    assert.equal(gen({ ipc: 'none' }).mounts.some((m) => m.destination === '/dev/shm'), false);
    assert.equal(gen({ ipc: 'private' }).mounts.find((m) => m.destination === '/dev/shm')?.type, 'tmpfs');
    const shared = gen({ ipc: 'shareable' }, { shmSource: '/run/berth/c/x/shm' }).mounts.find((m) => m.destination === '/dev/shm');
    assert.deepEqual([shared?.type, shared?.source], ['bind', '/run/berth/c/x/shm']);
  });
  it('refuses what Docker refuses with the host namespaces', () => {
    assert.throws(() => gen({ uts: 'host', hostname: 'x' }), (e: Error) => e instanceof BerthError && /hostname cannot be set with uts: host/.test(e.message));
    assert.throws(() => gen({ ipc: 'host', sysctls: { 'kernel.shmmax': '1' } }), /"kernel.shmmax" cannot be set with ipc: host/);
  });
});
