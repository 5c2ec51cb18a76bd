// OCI runtime: create+start+wait+delete of /bin/true (`<runtime> run`) from
// the same busybox bundle (config.json as `runc spec` writes it: pid, net,
// ipc, uts, mount namespaces, proc/sys/dev mounts, cgroup, masked paths),
// berth-runtime against crun and runc from Debian.
// On a hybrid cgroup host crun refuses to start unless the unified mount is
// hidden, so it runs inside `unshare -m`; the variant "berth (unshare)"
// pays the same wrapper, for a like-for-like ratio.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const berthRuntime = join(here, '../../native/out/berth-runtime');
let seq = 0;

function hybrid() {
  try { return readFileSync('/sys/fs/cgroup/unified/cgroup.controllers', 'utf8').trim() !== ''; } catch { return false; }
}

function makeBundle(dir) {
  const rootfs = join(dir, 'rootfs');
  for (const d of ['bin', 'proc', 'sys', 'dev', 'tmp', 'etc']) mkdirSync(join(rootfs, d), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
  execFileSync('chmod', ['0755', join(rootfs, 'bin/busybox')]);
  for (const a of ['sh', 'true']) symlinkSync('busybox', join(rootfs, 'bin', a));
  const caps = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];
  writeFileSync(join(dir, 'config.json'), JSON.stringify({
    ociVersion: '1.0.2-dev',
    process: { terminal: false, user: { uid: 0, gid: 0 }, args: ['/bin/true'], cwd: '/',
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      capabilities: { bounding: caps, effective: caps, permitted: caps, ambient: caps },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }], noNewPrivileges: true },
    root: { path: 'rootfs', readonly: true },
    hostname: 'bench',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
    ],
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
        '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi'],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  }));
}

function wrapped(argv) {
  return ['unshare', '-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs none /sys/fs/cgroup/unified && exec "$@"', 'wrap', ...argv];
}

/** One `run` of the bundle with a fresh id; throws when it fails. */
function runner(argv, ctx) {
  return () => {
    const id = `bench-${process.pid}-${seq++}`;
    const full = argv.map((a) => (a === '@ID' ? id : a));
    const r = spawnSync(full[0], full.slice(1), { cwd: ctx.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`${full.join(' ')} failed (${r.status}): ${String(r.stderr).slice(0, 300)}`);
  };
}

const have = (bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0;

export default {
  name: 'runtime',
  description: 'OCI runtime: `run` of /bin/true (create+start+wait+delete), same bundle',
  reps: 30,
  warmup: 3,
  setup() {
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-rt-'));
    makeBundle(dir);
    return { dir, root: join(dir, 'state') };
  },
  teardown(ctx) {
    rmSync(ctx.dir, { recursive: true, force: true });
  },
  variants(ctx) {
    const h = hybrid();
    const v = [
      { name: 'berth', available: () => existsSync(berthRuntime), install: 'make -C native',
        run: runner([berthRuntime, '--root', `${ctx.root}-berth`, 'run', '--bundle', ctx.dir, '@ID'], ctx) },
    ];
    if (h) {
      // Only a reference for crun's ratio, not a peer of berth.
      v.push({ name: 'berth (unshare)', base: null, available: () => existsSync(berthRuntime),
        run: runner(wrapped([berthRuntime, '--root', `${ctx.root}-berth`, 'run', '--bundle', ctx.dir, '@ID']), ctx) });
    }
    const crun = ['crun', '--root', `${ctx.root}-crun`, 'run', '--bundle', ctx.dir, '@ID'];
    // Like for like: crun in the wrapper against berth in the same wrapper.
    v.push({ name: h ? 'crun (unshare)' : 'crun', base: h ? 'berth (unshare)' : 'berth', available: () => have('crun'), install: 'bash bench/setup-peers.sh',
      run: runner(h ? wrapped(crun) : crun, ctx) });
    v.push({ name: 'runc', available: () => have('runc'), install: 'bash bench/setup-peers.sh',
      run: runner(['runc', '--root', `${ctx.root}-runc`, 'run', '--bundle', ctx.dir, '@ID'], ctx) });
    return v;
  },
};
