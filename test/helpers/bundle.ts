// OCI bundles for runtime tests: a busybox rootfs (see rootfs.ts) and a
// config.json shaped like the one `runc spec` generates, so that the same
// bundle runs under berth-runtime, runc and crun.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nativeOut } from './env.js';
import { makeBusyboxRootfs } from './rootfs.js';

export type OciConfig = Record<string, any>;

const DEFAULT_CAPS = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];

/** The config `runc spec` writes, with terminal off and the given args. */
export function defaultConfig(args: string[]): OciConfig {
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args,
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: '/',
      capabilities: { bounding: DEFAULT_CAPS, effective: DEFAULT_CAPS, permitted: DEFAULT_CAPS, ambient: DEFAULT_CAPS },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'runc',
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
  };
}

/** Creates <dir>/rootfs (busybox) once; bundles share it through root.path. */
export function sharedRootfs(dir: string): string {
  const rootfs = join(dir, 'rootfs');
  if (!existsSync(join(rootfs, 'bin/busybox'))) {
    mkdirSync(rootfs, { recursive: true });
    makeBusyboxRootfs(rootfs);
  }
  return rootfs;
}

/** Writes a bundle directory <dir>/<name> whose config points at rootfs. */
export function makeBundle(dir: string, name: string, rootfs: string, config: OciConfig): string {
  const bundle = join(dir, name);
  mkdirSync(bundle, { recursive: true });
  writeFileSync(join(bundle, 'config.json'), JSON.stringify({ ...config, root: { ...config.root, path: rootfs } }, null, 2));
  return bundle;
}

/** An OCI runtime command line under test, with its own --root. */
export interface Runtime {
  name: string;
  /** argv prefix (the binary, a wrapper where needed, and --root). */
  argv: string[];
  run(args: string[], opts?: { input?: string; timeout?: number }): SpawnSyncReturns<string>;
}

/** crun refuses the hybrid cgroup layout (v1 controllers plus a unified
 * mount holding controllers); in that case it runs in a private mount
 * namespace where the unified mount is hidden. */
function hybridCgroups(): boolean {
  try {
    return readFileSync('/sys/fs/cgroup/unified/cgroup.controllers', 'utf8').trim() !== '';
  } catch {
    return false;
  }
}

export type RuntimeKind = 'berth' | 'berth-v2' | 'runc' | 'crun';

function runtimeArgv(name: RuntimeKind, root: string): string[] {
  if (name === 'berth') return [join(nativeOut, 'berth-runtime'), '--root', root];
  if (name === 'berth-v2') {
    // the hybrid host's unified hierarchy, seen at /sys/fs/cgroup in a private
    // mount namespace: exercises the cgroup v2 code on a v1 machine
    return ['unshare', '-m', '--propagation', 'private', 'sh', '-c',
      'mount --bind /sys/fs/cgroup/unified /sys/fs/cgroup && exec "$@"', 'berth-runtime',
      join(nativeOut, 'berth-runtime'), '--root', root];
  }
  if (name === 'runc') return ['runc', '--root', root];
  if (hybridCgroups()) {
    return ['unshare', '-m', '--propagation', 'private', 'sh', '-c',
      'mount -t tmpfs none /sys/fs/cgroup/unified && exec crun "$@"', 'crun', '--root', root];
  }
  return ['crun', '--root', root];
}

let seq = 0;

export function makeRuntime(name: RuntimeKind, root: string): Runtime {
  const argv = runtimeArgv(name, root);
  return {
    name,
    argv,
    run(args, opts = {}) {
      // Output goes through files, not pipes: after `create` (or `run -d`)
      // the container keeps the runtime's stdio, and a pipe would stay open.
      const out = join(root, `.out-${process.pid}-${seq}`);
      const err = join(root, `.err-${process.pid}-${seq++}`);
      mkdirSync(root, { recursive: true });
      const fo = openSync(out, 'w+');
      const fe = openSync(err, 'w+');
      try {
        const r = spawnSync(argv[0], [...argv.slice(1), ...args], {
          encoding: 'utf8', input: opts.input ?? '', timeout: opts.timeout ?? 30_000, stdio: ['pipe', fo, fe],
        });
        return { ...r, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') };
      } finally {
        closeSync(fo);
        closeSync(fe);
        rmSync(out, { force: true });
        rmSync(err, { force: true });
      }
    },
  };
}

/** True when the binary can be executed (runc/crun are reference peers). */
export function haveBinary(bin: string): boolean {
  return spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0;
}
