// `up -d` and `down` of a 5-service and a 20-service project (busybox
// `sleep`, init: true, pull_policy: never, the default network, no ports),
// image present, the same compose file for berth, docker-compose (a private
// dockerd) and podman-compose (a private podman); see bench/peers/. Each
// repetition is one up + one down, timed apart; between them (untimed) the
// bench checks that every container really runs, and after down that none is
// left, so a tool that fails quietly (podman-compose exits 0 when its
// containers fail to start) cannot look fast.
// Also CLI start-up of `ps` on a running 5-service project, for each tool.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { IMAGE, run, startTools, stopTools, versions } from '../peers/tools.mjs';

const id = Math.random().toString(36).slice(2, 8);
const SIZES = [5, 20];

function composeFile(dir, n) {
  const lines = ['services:'];
  for (let i = 1; i <= n; i++) {
    lines.push(`  s${i}:`, `    image: ${IMAGE}`, '    pull_policy: never', '    init: true', '    command: ["sleep", "3600"]');
  }
  const f = join(dir, `compose-${n}.yaml`);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

function expectCount(tool, project, file, all, want, when) {
  const got = tool.count(project, file, all);
  if (got !== want) throw new Error(`${tool.name} ${project}: ${got} containers ${all ? 'exist' : 'running'} ${when}, expected ${want}`);
}

/** One repetition: up -d, check, down, check; returns the two timed phases. */
function upDown(tool, project, file, n) {
  const cli = tool.cli(project, file);
  const t0 = performance.now();
  run([...cli, 'up', '-d'], tool.env);
  const up = performance.now() - t0;
  try {
    expectCount(tool, project, file, false, n, 'after up -d');
  } catch (e) {
    run([...cli, 'down', '-t', '0'], tool.env);
    throw e;
  }
  const t1 = performance.now();
  run([...cli, 'down', '-t', '1'], tool.env);
  const down = performance.now() - t1;
  expectCount(tool, project, file, true, 0, 'after down');
  return { 'up -d': up, down };
}

export default {
  name: 'up-down',
  description: 'up -d and down of 5 and 20 services (images present); ps start-up on a running 5-service project',
  reps: 7,
  warmup: 1,
  async setup() {
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-up-'));
    const files = Object.fromEntries(SIZES.map((n) => [n, composeFile(dir, n)]));
    let started;
    try {
      started = await startTools(dir, id);
      // A running project per tool for `ps`. A peer that cannot bring it up
      // is recorded as unavailable with the reason; berth failing is fatal.
      for (const t of Object.values(started.tools)) {
        try {
          run([...t.cli(`ps${id}`, files[5]), 'up', '-d'], t.env);
          expectCount(t, `ps${id}`, files[5], false, 5, 'after up -d');
        } catch (e) {
          if (t.name === 'berth') throw e;
          started.unavailable[t.name] = `up -d of 5 services failed: ${e.message.split('\n')[0]}`;
          spawnDown(t, `ps${id}`, files[5]);
          delete started.tools[t.name];
          await stopTools({ [t.name]: t }).catch((err) => console.error(err.message));
        }
      }
    } catch (e) {
      if (started) {
        for (const t of Object.values(started.tools)) spawnDown(t, `ps${id}`, files[5]);
        await stopTools(started.tools).catch(() => {});
      }
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    return { dir, files, ...started, versions: versions(started.tools, started.unavailable) };
  },
  async teardown(ctx) {
    for (const n of SIZES) {
      // A failed repetition may leave its project up.
      for (const t of Object.values(ctx.tools)) spawnDown(t, `${t.name[0]}${n}${id}`, ctx.files[n]);
    }
    for (const t of Object.values(ctx.tools)) spawnDown(t, `ps${id}`, ctx.files[5]);
    try {
      await stopTools(ctx.tools);
    } finally {
      rmSync(ctx.dir, { recursive: true, force: true });
    }
  },
  variants: (ctx) => {
    const out = [];
    const skip = (name) => ctx.unavailable[name];
    out.push({ name: 'berth ps', run: () => run([...ctx.tools.berth.cli(`ps${id}`, ctx.files[5]), 'ps'], ctx.tools.berth.env) });
    for (const peer of ['docker-compose', 'podman-compose']) {
      const t = ctx.tools[peer];
      out.push({ name: `${peer} ps`, base: 'berth ps', unavailable: skip(peer), run: () => run([...t.cli(`ps${id}`, ctx.files[5]), 'ps'], t.env) });
    }
    for (const n of SIZES) {
      for (const name of ['berth', 'docker-compose', 'podman-compose']) {
        const t = ctx.tools[name];
        out.push({
          name: `${name} ${n}`, base: `berth ${n}`, unavailable: skip(name),
          run: () => upDown(t, `${name[0]}${n}${id}`, ctx.files[n], n),
        });
      }
    }
    return out;
  },
};

function spawnDown(tool, project, file) {
  try { run([...tool.cli(project, file), 'down', '-t', '0'], tool.env); } catch { /* not up */ }
}
