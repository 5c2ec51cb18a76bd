// Per-container monitor: berth-shim against conmon (Debian's, as podman uses
// it), both driving runc on the same busybox bundle. Resident memory of the
// monitor while the container runs (VmRSS and PSS) is measured in setup and
// printed, and written to bench/results/shim-memory-rss.json; the timed part
// is one monitor start (until the container runs) plus its stop.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const here = new URL('.', import.meta.url).pathname;
const shimBin = join(here, '../../native/out/berth-shim');
const runc = '/usr/sbin/runc';
const berthRuntime = join(here, '../../native/out/berth-runtime');
const conmonBin = '/usr/bin/conmon';
let seq = 0;

function bundle(dir, id) {
  const b = join(dir, `bundle-${id}`);
  mkdirSync(b, { recursive: true });
  const caps = ['CAP_KILL'];
  writeFileSync(join(b, 'config.json'), JSON.stringify({
    ociVersion: '1.0.2',
    process: { terminal: false, user: { uid: 0, gid: 0 }, args: ['sh', '-c', 'while :; do echo tick; sleep 1; done'], env: ['PATH=/bin'], cwd: '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps }, noNewPrivileges: true },
    root: { path: join(dir, 'rootfs'), readonly: true },
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }, { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755'] }],
    linux: { cgroupsPath: `/berth-bench-${id}`, namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }] },
  }));
  return b;
}

async function until(pred, what, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (pred()) return; await sleep(5); }
  throw new Error(`timed out: ${what}`);
}

const alive = (pid) => { try { process.kill(pid, 0); return !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8')); } catch { return false; } };

function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (text, key) => Number(text.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))[1]);
  return { rssKiB: kb(status, 'VmRSS'), pssKiB: kb(rollup, 'Pss') };
}

function request(socket, req) {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    let buf = '';
    c.on('connect', () => c.write(JSON.stringify(req) + '\n'));
    c.on('data', (d) => { buf += d; if (buf.includes('\n')) { c.destroy(); resolve(JSON.parse(buf)); } });
    c.on('error', reject);
  });
}

async function berthShim(ctx, runtime) {
    const id = `bsm-${process.pid}-${seq++}`;
    const d = join(ctx.dir, id);
    const args = ['--id', id, '--bundle', bundle(ctx.dir, id), '--state-dir', join(d, 'state'), '--socket', join(d, 'ctl.sock'),
      '--runtime', runtime, '--runtime-root', join(ctx.dir, runtime === runc ? 'runc' : 'berth-runtime'), '--log-path', join(d, 'log.json')];
    mkdirSync(d, { recursive: true });
    const report = await new Promise((resolve, reject) => {
      const child = spawn(shimBin, args, { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
      let b = '';
      child.stdio[3].on('data', (x) => { b += x; });
      child.stdio[3].on('end', () => resolve(b.trim()));
      child.on('error', reject);
      child.unref();
    });
    if (!report.startsWith('ok ')) throw new Error(`berth-shim: ${report}`);
    const pid = Number(readFileSync(join(d, 'state', 'shim.pid'), 'utf8'));
    return {
      pid,
      stop: async () => {
        await request(join(d, 'ctl.sock'), { op: 'stop', timeout: 0 });
        await until(() => !alive(pid), 'berth-shim exit');
      },
    };
}

const monitors = {
  berth: (ctx) => berthShim(ctx, runc),
  // The whole berth stack (shim and runtime), for reference; not a monitor-to-monitor comparison.
  'berth-shim+berth-runtime': (ctx) => berthShim(ctx, berthRuntime),
  async conmon(ctx) {
    const id = `bcm-${process.pid}-${seq++}`;
    const d = join(ctx.dir, id);
    for (const s of ['exit', 'sock', 'persist']) mkdirSync(join(d, s), { recursive: true });
    const r = spawnSync(conmonBin, ['--cid', id, '--cuuid', id, '--name', id, '--runtime', runc, '--runtime-arg', '--root',
      '--runtime-arg', join(ctx.dir, 'runc'), '--bundle', bundle(ctx.dir, id), '--exit-dir', join(d, 'exit'),
      '--log-path', `k8s-file:${join(d, 'log')}`, '--container-pidfile', join(d, 'ctr.pid'), '--conmon-pidfile', join(d, 'conmon.pid'),
      '--socket-dir-path', join(d, 'sock'), '--persist-dir', join(d, 'persist')], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`conmon exited ${r.status}`);
    await until(() => existsSync(join(d, 'ctr.pid')) && existsSync(join(d, 'conmon.pid')), 'conmon container start');
    const pid = Number(readFileSync(join(d, 'conmon.pid'), 'utf8'));
    // conmon does not start the container by itself: its caller runs `runtime start`.
    spawnSync(runc, ['--root', join(ctx.dir, 'runc'), 'start', id], { stdio: 'ignore' });
    return {
      pid,
      stop: async () => {
        spawnSync(runc, ['--root', join(ctx.dir, 'runc'), 'kill', id, 'KILL'], { stdio: 'ignore' });
        await until(() => !alive(pid), 'conmon exit');
        spawnSync(runc, ['--root', join(ctx.dir, 'runc'), 'delete', '--force', id], { stdio: 'ignore' });
      },
    };
  },
};

const available = {
  berth: () => existsSync(shimBin) && existsSync(runc),
  'berth-shim+berth-runtime': () => existsSync(shimBin) && existsSync(berthRuntime),
  conmon: () => existsSync(conmonBin) && existsSync(runc),
};

export default {
  name: 'shim-memory',
  description: 'per-container monitor: resident memory while a container runs (printed) and start+stop time, berth-shim vs conmon',
  reps: 5,
  warmup: 1,
  async setup() {
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-shim-'));
    const root = join(dir, 'rootfs');
    for (const x of ['bin', 'proc', 'dev']) mkdirSync(join(root, x), { recursive: true });
    copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
    for (const a of ['sh', 'echo', 'sleep']) symlinkSync('busybox', join(root, 'bin', a));
    const ctx = { dir };
    const mem = {};
    for (const name of Object.keys(monitors)) {
      if (!available[name]()) continue;
      const m = await monitors[name](ctx);
      await sleep(2500); // a few log lines written
      mem[name] = memory(m.pid);
      await m.stop();
    }
    for (const [name, m] of Object.entries(mem)) {
      const ratio = name !== 'berth' && mem.berth ? `  berth/${name} = ${(mem.berth.rssKiB / m.rssKiB).toFixed(3)}` : '';
      console.log(`  ${name.padEnd(22)} VmRSS ${String(m.rssKiB).padStart(6)} KiB  PSS ${String(m.pssKiB).padStart(6)} KiB${ratio}`);
    }
    mkdirSync(join(here, '../results'), { recursive: true });
    writeFileSync(join(here, '../results/shim-memory-rss.json'), JSON.stringify({ name: 'shim-memory-rss', date: new Date().toISOString(), memory: mem }, null, 2) + '\n');
    return ctx;
  },
  variants: (ctx) => Object.keys(monitors).map((name) => ({
    name,
    available: available[name],
    install: 'bash bench/setup-peers.sh',
    run: async () => { const m = await monitors[name](ctx); await m.stop(); },
  })),
  async teardown(ctx) {
    spawnSync('sh', ['-c', `for c in /sys/fs/cgroup/*/berth-bench-b*; do [ -d "$c" ] && rmdir "$c"; done`], { stdio: 'ignore' });
    rmSync(ctx.dir, { recursive: true, force: true });
  },
};
