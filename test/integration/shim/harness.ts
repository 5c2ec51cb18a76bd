// Test harness for berth-shim: a busybox bundle (config.json shaped like
// `runc spec` output), a shim started detached the way the TypeScript side
// will start it (fd 3 report pipe), and helpers to read its state, log and
// control socket, and to check that nothing is left behind.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../../helpers/rootfs.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { nativeOut, shortId, tempDir } from '../../helpers/env.js';

export const shimBin = join(nativeOut, 'berth-shim');
export const runcBin = '/usr/sbin/runc';
export const berthRuntimeBin = join(nativeOut, 'berth-runtime');

/** The runtime the tests use: BERTH_TEST_RUNTIME=runc|berth|<path>; berth-runtime (the product's) by default. */
function defaultRuntime(): string {
  const want = process.env.BERTH_TEST_RUNTIME ?? 'berth';
  if (want === 'runc') return runcBin;
  if (want === 'berth' || want === 'berth-runtime') return berthRuntimeBin;
  return want;
}

/** A read-only busybox rootfs, shared by the bundles of one test file. */
export function makeRootfs(dir: string): string {
  return makeBusyboxRootfs(join(dir, 'rootfs'));
}

/** A config.json like `runc spec` writes, with a tmpfs /tmp and our own cgroup path. */
export function makeConfig(rootfs: string, id: string, args: string[], tty = false): object {
  const caps = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: tty,
      user: { uid: 0, gid: 0 },
      args,
      env: ['PATH=/bin', 'TERM=xterm'],
      cwd: '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps, ambient: caps },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: rootfs, readonly: true },
    hostname: 'shimtest',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777', 'size=8m'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    ],
    linux: {
      cgroupsPath: cgroupName(id),
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: ['/proc/kcore', '/proc/keys', '/proc/timer_list', '/sys/firmware'],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

export const cgroupName = (id: string) => `/berth-shimtest-${id}`;

// state.json as the shim writes it: the product's own type, so the tests check the same contract.
import type { ShimState } from '../../../src/container/status.js';
export type { ShimState };

export interface LogEntry { log: string; stream: string; time: string }

export interface StartOptions {
  args: string[];
  tty?: boolean;
  runtime?: string;
  health?: object;
  extra?: string[];
  /** Edits config.json before the start (e.g. resources). */
  edit?: (config: any) => void;
}

/** One container under its own temp root; `close()` removes everything, whatever state it is in. */
export class ShimCase {
  readonly id = `shimt-${shortId(8)}`;
  readonly tmp = tempDir('berth-shim-');
  readonly dir = this.tmp.path;
  readonly stateDir = join(this.dir, 'state');
  readonly socket = join(this.dir, 'ctl.sock');
  readonly logPath = join(this.dir, 'container.log');
  readonly runtimeRoot = join(this.dir, 'rt');
  readonly bundle = join(this.dir, 'bundle');
  runtime = defaultRuntime();
  report = '';

  constructor(readonly rootfs: string) {}

  argv(o: StartOptions): string[] {
    const a = ['--id', this.id, '--bundle', this.bundle, '--state-dir', this.stateDir, '--socket', this.socket,
      '--runtime', o.runtime ?? this.runtime, '--runtime-root', this.runtimeRoot, '--log-path', this.logPath];
    if (o.tty) a.push('--tty');
    if (o.health) {
      writeFileSync(join(this.dir, 'health.json'), JSON.stringify(o.health));
      a.push('--health', join(this.dir, 'health.json'));
    }
    return a.concat(o.extra ?? []);
  }

  /** Starts the shim as the CLI will: detached, fd 3 a pipe; resolves with the report line. */
  async start(o: StartOptions): Promise<string> {
    if (o.runtime) this.runtime = o.runtime;
    mkdirSync(this.bundle, { recursive: true });
    const config: any = makeConfig(this.rootfs, this.id, o.args, o.tty);
    o.edit?.(config);
    writeFileSync(join(this.bundle, 'config.json'), JSON.stringify(config, null, 2));
    this.report = await startDetached(shimBin, this.argv(o));
    if (this.report.startsWith('error ')) {
      // A failed start ends the shim: wait for it so that what follows sees its final files.
      let pid: number | undefined;
      try { pid = this.state().shimPid; } catch { /* failed before the record */ }
      if (pid) await this.waitShimGone(pid);
    }
    return this.report;
  }

  /** start() for tests that need a running container: fails with the shim's error otherwise. */
  async startOk(o: StartOptions): Promise<number> {
    const report = await this.start(o);
    const m = /^ok (\d+)$/.exec(report);
    if (!m) throw new Error(`berth-shim did not start the container: ${report}`);
    return Number(m[1]);
  }

  state(): ShimState {
    return JSON.parse(readFileSync(join(this.stateDir, 'state.json'), 'utf8'));
  }

  log(path = this.logPath): LogEntry[] {
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }

  shimPid(): number | undefined {
    try { return Number(readFileSync(join(this.stateDir, 'shim.pid'), 'utf8')); } catch { return undefined; }
  }

  ctl(req: object): Promise<any> {
    return request(this.socket, req);
  }

  /** Polls state.json until pred holds. */
  async waitFor(pred: (s: ShimState) => boolean, what: string, timeoutMs = 15000): Promise<ShimState> {
    const end = Date.now() + timeoutMs;
    let last: ShimState | undefined;
    while (Date.now() < end) {
      try { last = this.state(); if (pred(last)) return last; } catch { /* mid-rename or not yet written */ }
      await sleep(25);
    }
    throw new Error(`timed out waiting for ${what}; last state: ${JSON.stringify(last)}`);
  }

  /** Waits for the shim process to be gone (it exits once the container is gone for good). */
  async waitShimGone(pid: number, timeoutMs = 15000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (!alive(pid)) return;
      await sleep(25);
    }
    throw new Error(`shim ${pid} still running after ${timeoutMs} ms`);
  }

  /** What the shim must not leave behind once it exited. */
  leftovers(): string[] {
    const out: string[] = [];
    for (const f of ['shim.pid', 'container.pid', 'probe.pid', 'console.sock']) if (existsSync(join(this.stateDir, f))) out.push(f);
    if (existsSync(this.socket)) out.push('control socket');
    if (existsSync(join(this.runtimeRoot, this.id))) out.push('runtime state');
    for (const ctrl of ['memory', 'pids', 'cpu', 'freezer', 'devices', 'systemd', 'unified']) {
      if (existsSync(join('/sys/fs/cgroup', ctrl, cgroupName(this.id)))) out.push(`cgroup ${ctrl}`);
    }
    const ps = spawnSync('pgrep', ['-f', this.id], { encoding: 'utf8' });
    if (ps.stdout.trim()) out.push(`processes ${ps.stdout.trim().split('\n').join(',')}`);
    return out;
  }

  /** Kills whatever is left (shim, container, runtime state, cgroups) and removes the temp root. */
  close(): void {
    let st: ShimState | undefined;
    try { st = this.state(); } catch { /* no state */ }
    for (const pid of [this.shimPid(), st?.shimPid]) {
      if (pid && alive(pid)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    if (st && st.pid > 0 && alive(st.pid)) try { process.kill(st.pid, 'SIGKILL'); } catch { /* gone */ }
    // Let a dying shim finish before its directory goes.
    const end = Date.now() + 3000;
    while ([this.shimPid(), st?.shimPid].some((p) => p && alive(p)) && Date.now() < end) spawnSync('sleep', ['0.02']);
    spawnSync(this.runtime, ['--root', this.runtimeRoot, 'delete', '--force', this.id], { stdio: 'ignore' });
    for (const ctrl of readdirSync('/sys/fs/cgroup')) {
      const p = join('/sys/fs/cgroup', ctrl, cgroupName(this.id));
      if (existsSync(p)) try { rmSync(p, { recursive: false }); } catch { spawnSync('rmdir', [p]); }
    }
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie is dead for our purposes.
  try { return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8')); } catch { return false; }
}

/** Spawns argv detached with fd 3 as a pipe; resolves with the first line written to it. */
function startDetached(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    const pipe = child.stdio[3] as NodeJS.ReadableStream;
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no report from ${bin} after 30 s`)), 30000);
    pipe.setEncoding('utf8');
    pipe.on('data', (d: string) => { buf += d; });
    pipe.on('end', () => { clearTimeout(timer); resolve(buf.replace(/\n$/, '')); });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.unref();
  });
}

/** One request line, one reply line on the control socket. */
function request(socket: string, req: object, timeoutMs = 20000): Promise<any> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    let buf = '';
    const timer = setTimeout(() => { c.destroy(); reject(new Error(`no reply to ${JSON.stringify(req)}`)); }, timeoutMs);
    c.setEncoding('utf8');
    c.on('connect', () => c.write(JSON.stringify(req) + '\n'));
    c.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) { clearTimeout(timer); c.destroy(); resolve(JSON.parse(buf.slice(0, nl))); }
    });
    c.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}
