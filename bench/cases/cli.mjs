// The CLI against Node's own start-up, in one run: each berth command's
// median divided by the median of `node -e 0` (the floor any Node CLI pays)
// measured in the same interleaved rounds. Commands: `up -d` of 5 services
// (images present; the project is taken down untimed after each run), a
// no-op `up -d` on a running 5-service project, `ps` on it, and `config` of
// the 50-service project of the config case.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { command } from '../lib.mjs';
import { berthBin, IMAGE, run, startTools } from '../peers/tools.mjs';
import { generateProject } from './config.mjs';

const id = Math.random().toString(36).slice(2, 8);

function fiveServices(dir) {
  const lines = ['services:'];
  for (let i = 1; i <= 5; i++) lines.push(`  s${i}:`, `    image: ${IMAGE}`, '    pull_policy: never', '    init: true', '    command: ["sleep", "3600"]');
  const f = join(dir, 'compose-5.yaml');
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

const NODE = 'node -e 0';
// NODE_EXTRA_CA_CERTS makes every Node start parse that file; berth run as a
// program defers it (docs/configuration.md). When it is set, Node's start
// without it is shown too, so the share of the ratios it makes is visible.
const BARE = 'node -e 0, no NODE_EXTRA_CA_CERTS';
const bareEnv = () => { const e = { ...process.env }; delete e.NODE_EXTRA_CA_CERTS; return e; };

export default {
  name: 'cli',
  description: 'berth commands as multiples of `node -e 0` (same run): up -d of 5 services, no-op up -d, ps, config of 50 services',
  reps: 11,
  warmup: 2,
  async setup() {
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-cli-'));
    try {
      // Only berth: the peers' engines are not needed for these ratios.
      const berth = (await startTools(dir, id, { withPeers: false })).tools.berth;
      const file = fiveServices(dir);
      writeFileSync(join(dir, 'compose.yaml'), generateProject(50));
      run([...berth.cli(`n${id}`, file), 'up', '-d'], berth.env);
      return { dir, berth, file, config: join(dir, 'compose.yaml') };
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  },
  async teardown(ctx) {
    try {
      for (const p of [`n${id}`, `u${id}`]) run([...ctx.berth.cli(p, ctx.file), 'down', '-t', '0'], ctx.berth.env);
    } finally {
      rmSync(ctx.dir, { recursive: true, force: true });
    }
  },
  variants: (ctx) => {
    const b = ctx.berth;
    return [
      { name: NODE, base: null, run: command([process.execPath, '-e', '0']) },
      ...(process.env.NODE_EXTRA_CA_CERTS ? [{ name: BARE, base: null, run: command([process.execPath, '-e', '0'], { env: bareEnv() }) }] : []),
      {
        name: 'up -d, 5 services', base: null,
        run: () => {
          const t0 = performance.now();
          run([...b.cli(`u${id}`, ctx.file), 'up', '-d'], b.env);
          const up = performance.now() - t0;
          run([...b.cli(`u${id}`, ctx.file), 'down', '-t', '0'], b.env);
          return { 'up -d': up };
        },
      },
      { name: 'no-op up -d', base: null, run: () => run([...b.cli(`n${id}`, ctx.file), 'up', '-d'], b.env) },
      { name: 'ps', base: null, run: () => run([...b.cli(`n${id}`, ctx.file), 'ps'], b.env) },
      { name: 'config, 50 services', base: null, run: command([berthBin, '-f', ctx.config, 'config'], { cwd: ctx.dir }) },
    ];
  },
  /** Each command's median as a multiple of node -e 0's (and of the bare floor's, when measured). */
  summary: (results) => {
    const out = {};
    for (const [floorName, suffix] of [[NODE, ''], [BARE, ' (vs bare node)']]) {
      const floor = results[floorName]?.median;
      if (!floor) continue;
      for (const [k, s] of Object.entries(results)) if (k !== NODE && k !== BARE) out[k + suffix] = +(s.median / floor).toFixed(2);
    }
    return out;
  },
};
