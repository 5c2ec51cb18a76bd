// Layer unpack speed: one gzip layer (2000 files, ~40 MB) extracted into a
// fresh directory by berth's hostile-input extractor (with diff ID hashing
// and overlay whiteout translation), against GNU tar -xzf (no checks, no
// hashing). Both include process start-up. Needs `npm run build`.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { command } from '../lib.mjs';

const repo = new URL('../..', import.meta.url).pathname;

export default {
  name: 'image-unpack',
  description: 'unpack one 40 MB gzip layer (2000 files)',
  reps: 5,
  warmup: 1,
  async setup() {
    const { makeTar } = await import(join(repo, 'dist/test/helpers/tarball.js'));
    const work = mkdtempSync(join(tmpdir(), 'berth-bench-unpack-'));
    const entries = [];
    for (let d = 0; d < 20; d++) {
      entries.push({ name: `d${d}/`, type: 'directory' });
      for (let f = 0; f < 100; f++) entries.push({ name: `d${d}/f${f}`, body: Buffer.concat([randomBytes(10_000), Buffer.from('x'.repeat(10_000))]) });
    }
    const layer = join(work, 'layer.tar.gz');
    writeFileSync(layer, await makeTar(entries, { gzip: true }));
    return { work, layer, n: 0 };
  },
  teardown(ctx) {
    if (ctx.work) rmSync(ctx.work, { recursive: true, force: true });
  },
  variants: (ctx) => {
    const fresh = () => { const d = join(ctx.work, `out-${ctx.n++}`); mkdirSync(d); return d; };
    const script = `import(${JSON.stringify(join(repo, 'dist/src/image/layer-unpack.js'))}).then((m) => m.unpackLayer(process.argv[1], process.argv[2]))`;
    return [
      { name: 'berth', run: () => command([process.execPath, '-e', script, ctx.layer, fresh()])() },
      { name: 'gnu-tar', run: () => command(['tar', '-xzf', ctx.layer, '-C', fresh()])() },
    ];
  },
};
