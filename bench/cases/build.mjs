// Image builds: a fully cached rebuild against `node -e 0` (the floor of any
// Node CLI), and a cold build (--no-cache) against `podman build` of the same
// Dockerfile and base where podman is installed. The context holds 200 small
// files; the Dockerfile COPYs them, RUNs a step that writes 2 MB, and sets
// config. One extra cold build with --progress json gives the time split
// (RUN containers, layer pack + gzip, COPY work), printed by the case.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command } from '../lib.mjs';

const repo = new URL('../..', import.meta.url).pathname;
const berth = join(repo, 'bin/berth');
const podman = '/usr/bin/podman';

const DOCKERFILE = `FROM berth-examples/busybox:latest
WORKDIR /app
COPY src/ ./src/
RUN mkdir -p out && for i in 1 2 3 4 5 6 7 8; do dd if=/dev/zero of=out/blob$i bs=256k count=1 2>/dev/null; done && ls src | wc -l > out/count
ENV MODE=bench
CMD ["sh", "-c", "cat /app/out/count"]
`;

export default {
  name: 'build',
  description: 'image build: cached rebuild vs node -e 0; cold build vs podman build',
  reps: 5,
  warmup: 1,
  setup() {
    const root = mkdtempSync(join(tmpdir(), 'berth-bench-build-'));
    const env = { ...process.env, BERTH_ROOT: root };
    const made = spawnSync('bash', [join(repo, 'scripts/make-base-images.sh'), '--root', root], { env, encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`make-base-images: ${made.stderr}`);
    const ctx = join(root, 'ctx');
    mkdirSync(join(ctx, 'src'), { recursive: true });
    for (let i = 0; i < 200; i++) writeFileSync(join(ctx, 'src', `f${i}.txt`), `file ${i}\n`.repeat(50));
    writeFileSync(join(ctx, 'Dockerfile'), DOCKERFILE);
    const warm = spawnSync(berth, ['image', 'build', '-q', '-t', 'bench/build:1', ctx], { env, encoding: 'utf8' });
    if (warm.status !== 0) throw new Error(`berth image build: ${warm.stderr}`);
    const split = spawnSync(berth, ['--progress', 'json', 'image', 'build', '--no-cache', '-t', 'bench/build:split', ctx], { env, encoding: 'utf8' });
    const image = split.stderr.split('\n').filter((l) => l.includes('"type":"image"')).map((l) => JSON.parse(l))[0];
    if (image) console.error(`build: cold build time split: ${JSON.stringify(image.timings)}`);
    let podmanReady = false;
    if (existsSync(podman)) {
      // The same base image, moved over as a docker archive.
      const save = spawnSync(berth, ['image', 'save', '-o', join(root, 'base.tar'), 'berth-examples/busybox:latest'], { env });
      podmanReady = save.status === 0 && spawnSync(podman, ['load', '-i', join(root, 'base.tar')], { stdio: 'ignore' }).status === 0;
    }
    return { root, env, ctx, podmanReady };
  },
  teardown(ctx) {
    if (ctx.podmanReady) { spawnSync(podman, ['rmi', '-f', 'bench-build-podman', 'berth-examples/busybox:latest'], { stdio: 'ignore' }); spawnSync(podman, ['image', 'prune', '-f'], { stdio: 'ignore' }); }
    if (ctx.root) rmSync(ctx.root, { recursive: true, force: true });
  },
  variants: (ctx) => [
    { name: 'berth-cached', run: command([berth, 'image', 'build', '-q', '-t', 'bench/build:1', ctx.ctx], { env: ctx.env }) },
    { name: 'node-e-0', run: command([process.execPath, '-e', '0']) },
    { name: 'berth-cold', run: command([berth, 'image', 'build', '-q', '--no-cache', '-t', 'bench/build:cold', ctx.ctx], { env: ctx.env }) },
    {
      name: 'podman-cold', available: () => ctx.podmanReady, install: 'apt-get install podman (bench only)',
      // runc: Debian's crun refuses this host's hybrid cgroup layout.
      run: command([podman, '--runtime', 'runc', 'build', '-q', '--no-cache', '--network', 'none', '-t', 'bench-build-podman', ctx.ctx]),
    },
  ],
};
