// Pull of a multi-layer image (6 layers, ~1200 files, ~24 MB unpacked, one
// whiteout) from Debian's docker-registry on loopback, into a fresh store
// each time: download + verify + unpack. Peers: skopeo copy to an OCI layout
// followed by umoci unpack (the same work), and skopeo copy alone.
// Needs `npm run build` (it reuses the test helpers from dist/).
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { command } from '../lib.mjs';

const repo = new URL('../..', import.meta.url).pathname;
const berth = join(repo, 'bin/berth');
const helpers = (p) => import(join(repo, 'dist/test/helpers', p));

function layer(i) {
  const entries = [{ name: `layer${i}/`, type: 'directory' }];
  for (let f = 0; f < 200; f++) {
    // half random (incompressible), half text: a realistic gzip ratio
    const body = Buffer.concat([randomBytes(10_000), Buffer.from(`line ${i}.${f}\n`.repeat(700))]);
    entries.push({ name: `layer${i}/file-${f}`, body });
  }
  if (i === 3) entries.push({ name: 'layer0/.wh.file-0' });
  return entries;
}

export default {
  name: 'image-pull',
  description: 'pull + unpack a 6-layer image from a loopback registry',
  reps: 5,
  warmup: 1,
  async setup() {
    const { startRegistry } = await helpers('registry.js');
    const { buildImage } = await helpers('images.js');
    const { openImageStore } = await import(join(repo, 'dist/src/image/image-store.js'));
    const work = mkdtempSync(join(tmpdir(), 'berth-bench-pull-'));
    const reg = await startRegistry();
    const ref = `${reg.host}/bench/multi:v1`;
    const src = join(work, 'src');
    await buildImage(openImageStore(join(src, 'images')), Array.from({ length: 6 }, (_, i) => layer(i)), [ref]);
    command([process.execPath, berth, '--root', src, 'image', 'push', '-q', ref])();
    return { work, reg, ref, n: 0 };
  },
  async teardown(ctx) {
    await ctx.reg?.stop();
    if (ctx.work) rmSync(ctx.work, { recursive: true, force: true });
  },
  variants: (ctx) => {
    const fresh = (name) => join(ctx.work, `${name}-${ctx.n++}`);
    return [
      { name: 'berth', run: () => command([process.execPath, berth, '--root', fresh('berth'), 'image', 'pull', '-q', ctx.ref])() },
      {
        name: 'skopeo+umoci',
        available: () => existsSync('/usr/bin/skopeo') && existsSync('/usr/bin/umoci'),
        install: 'bash bench/setup-peers.sh',
        run: () => {
          const d = fresh('oci');
          command(['skopeo', 'copy', '-q', '--src-tls-verify=false', `docker://${ctx.ref}`, `oci:${d}:v1`])();
          command(['umoci', 'unpack', '--image', `${d}:v1`, `${d}-bundle`])();
        },
      },
      {
        name: 'skopeo-copy-only',
        available: () => existsSync('/usr/bin/skopeo'),
        install: 'bash bench/setup-peers.sh',
        run: () => command(['skopeo', 'copy', '-q', '--src-tls-verify=false', `docker://${ctx.ref}`, `oci:${fresh('copy')}:v1`])(),
      },
    ];
  },
};
