// Watch mode: from a host write to the new content readable in the
// container's filesystem (one edit per rep; p50/p95 over the reps are
// printed and written to bench/results/watch-latency.json), plus, in setup,
// the time for a 5,000-file burst to be synced completely and the CPU an
// idle watch of a 20,000-file tree uses over 10 s. Peers: docker compose
// watch and podman-compose (which has no watch) are reported when absent.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const repo = join(here, '../..');
const berthBin = join(repo, 'bin/berth');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, fn, ms = 120_000) {
  const end = Date.now() + ms;
  for (;;) {
    if (fn()) return;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

const cpuTicks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime
};

function countFiles(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(join(dir, e.name)) : 1;
  return n;
}

const lat = [];
const pct = (a, p) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))];

export default {
  name: 'watch',
  description: 'berth watch: host write to content readable in the container',
  reps: 200,
  warmup: 5,
  async setup() {
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-watch-'));
    const env = { ...process.env, BERTH_ROOT: join(dir, 'root'), BERTH_NFT_TABLE: `bw${process.pid}`, BERTH_DNS_UPSTREAMS: '127.0.0.1:9', COMPOSE_PROGRESS: 'quiet' };
    const made = spawnSync('bash', [join(repo, 'scripts/make-base-images.sh'), '--root', env.BERTH_ROOT], { env, encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`make-base-images: ${made.stderr}`);
    const proj = join(dir, 'proj');
    mkdirSync(join(proj, 'src'), { recursive: true });
    mkdirSync(join(proj, 'tree'), { recursive: true });
    mkdirSync(join(proj, 'burst'), { recursive: true });
    // The idle tree: 20,000 files in 200 directories.
    for (let d = 0; d < 200; d++) {
      mkdirSync(join(proj, `tree/d${d}`));
      for (let f = 0; f < 100; f++) writeFileSync(join(proj, `tree/d${d}/f${f}.txt`), 'x');
    }
    writeFileSync(join(proj, 'src/edit.txt'), 'start');
    writeFileSync(join(proj, 'compose.yaml'), `services:
  app:
    image: berth-examples/busybox:latest
    init: true
    network_mode: none
    command: ["sleep", "36000"]
    develop:
      watch:
        - {path: ./src, target: /app, action: sync, initial_sync: true}
        - {path: ./burst, target: /burst, action: sync}
        - {path: ./tree, target: /tree, action: sync}
`);
    const base = ['-p', 'benchwatch', '-f', join(proj, 'compose.yaml')];
    const child = spawn(berthBin, [...base, 'watch'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
    const ctx = { dir, env, base, proj, child, extra: {} };
    await until('Watch enabled', () => /Watch enabled/.test(out));
    const [id] = readdirSync(join(env.BERTH_ROOT, 'containers')).filter((n) => /^[0-9a-f]{64}$/.test(n));
    const rec = JSON.parse(readFileSync(join(env.BERTH_ROOT, 'containers', id, 'config.json'), 'utf8'));
    ctx.rootfs = rec.rootfs;
    await until('initial sync', () => existsSync(join(ctx.rootfs, 'app/edit.txt')));

    // Idle: the 20,000-file tree watched, nothing changing, for 10 s.
    const hz = 100;
    const t0 = cpuTicks(child.pid);
    await sleep(10_000);
    const idle = ((cpuTicks(child.pid) - t0) / hz / 10) * 100;
    ctx.extra = { idleCpuPercent: +idle.toFixed(2), idleTreeFiles: 20_000 };
    console.log(`  idle watch of 20,000 files: ${ctx.extra.idleCpuPercent}% CPU over 10 s`);
    return ctx;
  },
  async teardown(ctx) {
    // Burst (after the edits, so that its tail never delays one): 5,000 files in
    // 50 directories, from the first write to the last file readable inside.
    if (lat.length) {
      const b0 = Date.now();
      for (let d = 0; d < 50; d++) {
        mkdirSync(join(ctx.proj, `burst/d${d}`));
        for (let f = 0; f < 100; f++) writeFileSync(join(ctx.proj, `burst/d${d}/f${f}.txt`), `${d}/${f}`);
      }
      const written = Date.now() - b0;
      await until('5000 files synced', () => { try { return countFiles(join(ctx.rootfs, 'burst')) >= 5000; } catch { return false; } }, 600_000);
      Object.assign(ctx.extra, { burstFiles: 5000, burstWriteMs: written, burstSyncedMs: Date.now() - b0 });
      console.log(`  5,000-file burst: written in ${written} ms, all readable in the container after ${ctx.extra.burstSyncedMs} ms`);
    }
    const samples = lat.slice(5); // the warm-up edits
    if (samples.length) {
      const res = { ...ctx.extra, edits: samples.length, p50Ms: +pct(samples, 0.5).toFixed(1), p95Ms: +pct(samples, 0.95).toFixed(1), maxMs: +Math.max(...samples).toFixed(1) };
      console.log(`  write → readable: p50 ${res.p50Ms} ms, p95 ${res.p95Ms} ms over ${res.edits} edits`);
      writeFileSync(join(here, '../results/watch-latency.json'), `${JSON.stringify({ date: new Date().toISOString(), ...res }, null, 2)}\n`);
    }
    ctx.child?.kill('SIGINT');
    await new Promise((r) => (ctx.child.exitCode !== null ? r() : ctx.child.on('close', r)));
    spawnSync(berthBin, [...ctx.base, 'down', '-v', '-t', '0'], { env: ctx.env });
    spawnSync('nft', ['delete', 'table', 'inet', ctx.env.BERTH_NFT_TABLE]);
    rmSync(ctx.dir, { recursive: true, force: true });
  },
  variants: (ctx) => [
    {
      name: 'berth',
      run: async () => {
        const body = `edit ${Math.random()}`;
        const inside = join(ctx.rootfs, 'app/edit.txt');
        const t = performance.now();
        writeFileSync(join(ctx.proj, 'src/edit.txt'), body);
        await until('edit visible', () => { try { return readFileSync(inside, 'utf8') === body; } catch { return false; } }, 10_000);
        const ms = performance.now() - t;
        lat.push(ms);
        return { edit: ms };
      },
    },
    { name: 'docker-compose', unavailable: 'docker compose watch needs dockerd and the compose plugin, not installed here' },
    { name: 'podman-compose', unavailable: 'podman-compose has no watch command' },
  ],
};
