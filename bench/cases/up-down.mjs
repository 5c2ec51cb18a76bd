// `up -d` and `down` of a 5-service and a 20-service project (busybox
// `sleep`, init: true, one network), images already present; berth against
// docker-compose and podman-compose when they are installed and working
// (bench/setup-peers.sh), on the same compose file. Each repetition is one
// up + one down; the split (up alone, down alone) is printed per variant.
// Also the CLI start-up of `berth ps` on a running project.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const repo = new URL('../../', import.meta.url).pathname;
const berth = join(repo, 'bin/berth');
const id = Math.random().toString(36).slice(2, 8);
const IMAGE = 'berth-examples/busybox:latest';

function composeFile(dir, n, image) {
  const lines = ['services:'];
  for (let i = 1; i <= n; i++) lines.push(`  s${i}:`, `    image: ${image}`, '    init: true', '    command: ["sleep", "3600"]');
  const f = join(dir, `compose-${n}.yaml`);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

function run(argv, env) {
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${String(r.stderr).slice(0, 400)}`);
}

const ok = (argv) => spawnSync(argv[0], argv.slice(1), { stdio: 'ignore' }).status === 0;
const dockerWorks = () => existsSync('/usr/bin/docker-compose') && ok(['docker', 'info']);
const podmanWorks = () => existsSync('/usr/bin/podman-compose') && ok(['podman', 'info']);

/** A peer image with the same busybox rootfs (imported offline). */
function importPeerImage(tool, dir) {
  const rootfs = join(dir, `rootfs-${tool}`);
  mkdirSync(rootfs, { recursive: true });
  spawnSync('bash', ['-c', `cp /bin/busybox ${rootfs}/busybox && mkdir -p ${rootfs}/bin && for a in $(/bin/busybox --list); do ln -sf /busybox ${rootfs}/bin/$a; done`]);
  const tar = spawnSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 1 << 28 });
  spawnSync(tool, ['import', '-', 'berth-bench/busybox:latest'], { input: tar.stdout });
}

function splitTimer(label, up, down) {
  const ups = [];
  const downs = [];
  return {
    label, ups, downs,
    run() {
      const t0 = performance.now();
      up();
      const t1 = performance.now();
      down();
      ups.push(t1 - t0);
      downs.push(performance.now() - t1);
    },
  };
}

const timers = [];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default {
  name: 'up-down',
  description: 'up -d + down of 5 and 20 services (images present); split printed below; berth ps start-up',
  reps: 5,
  warmup: 1,
  async setup() {
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-up-'));
    const root = join(dir, 'root');
    const env = { ...process.env, BERTH_ROOT: root, BERTH_NFT_TABLE: `bb${id}`, BERTH_DNS_UPSTREAMS: '127.0.0.1:9' };
    const made = spawnSync('bash', [join(repo, 'scripts/make-base-images.sh'), '--root', root], { env, encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`make-base-images: ${made.stderr}`);
    const files = { 5: composeFile(dir, 5, IMAGE), 20: composeFile(dir, 20, IMAGE) };
    mkdirSync(join(dir, 'peer'), { recursive: true });
    const peerFiles = { 5: composeFile(join(dir, 'peer'), 5, 'berth-bench/busybox:latest'), 20: composeFile(join(dir, 'peer'), 20, 'berth-bench/busybox:latest') };
    if (dockerWorks()) importPeerImage('docker', dir);
    if (podmanWorks()) importPeerImage('podman', dir);
    // A running project for `berth ps`.
    run([process.execPath, berth, '-p', `ps${id}`, '-f', files[5], 'up', '-d'], env);
    return { dir, env, files, peerFiles };
  },
  async teardown(ctx) {
    spawnSync(process.execPath, [berth, '-p', `ps${id}`, '-f', ctx.files[5], 'down', '-t', '0'], { env: ctx.env, stdio: 'ignore' });
    for (const t of timers) {
      if (!t.ups.length) continue;
      console.log(`  ${t.label.padEnd(34)} up -d median ${median(t.ups).toFixed(0).padStart(6)} ms   down median ${median(t.downs).toFixed(0).padStart(6)} ms`);
    }
    rmSync(ctx.dir, { recursive: true, force: true });
  },
  variants: (ctx) => {
    const out = [];
    const b = (n) => [process.execPath, berth, '-p', `b${n}${id}`, '-f', ctx.files[n]];
    out.push({ name: 'berth ps', run: () => run([process.execPath, berth, '-p', `ps${id}`, '-f', ctx.files[5], 'ps'], ctx.env) });
    for (const n of [5, 20]) {
      const t = splitTimer(`berth ${n} services`, () => run([...b(n), 'up', '-d'], ctx.env), () => run([...b(n), 'down', '-t', '1'], ctx.env));
      timers.push(t);
      out.push({ name: n === 5 ? 'berth' : `berth-${n}`, run: () => t.run() });
      const dc = splitTimer(`docker-compose ${n} services`, () => run(['docker-compose', '-p', `d${n}${id}`, '-f', ctx.peerFiles[n], 'up', '-d'], process.env), () => run(['docker-compose', '-p', `d${n}${id}`, '-f', ctx.peerFiles[n], 'down', '-t', '1'], process.env));
      timers.push(dc);
      out.push({ name: `docker-compose-${n}`, available: dockerWorks, install: 'bash bench/setup-peers.sh', run: () => dc.run() });
      const pc = splitTimer(`podman-compose ${n} services`, () => run(['podman-compose', '-p', `p${n}${id}`, '-f', ctx.peerFiles[n], 'up', '-d'], process.env), () => run(['podman-compose', '-p', `p${n}${id}`, '-f', ctx.peerFiles[n], 'down', '-t', '1'], process.env));
      timers.push(pc);
      out.push({ name: `podman-compose-${n}`, available: podmanWorks, install: 'bash bench/setup-peers.sh', run: () => pc.run() });
    }
    return out;
  },
};
