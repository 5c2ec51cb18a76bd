// `berth config` on a generated 50-service project against Debian's
// `docker-compose config` (installed by bench/setup-peers.sh).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command } from '../lib.mjs';
import { generateProject } from './config-project.mjs';

const berth = new URL('../../bin/berth', import.meta.url).pathname;

export default {
  name: 'config',
  description: '`config` on a 50-service project',
  reps: 15,
  setup() {
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-config-'));
    writeFileSync(join(dir, 'compose.yaml'), generateProject(50));
    return { dir, file: join(dir, 'compose.yaml') };
  },
  teardown(ctx) { rmSync(ctx.dir, { recursive: true, force: true }); },
  variants: (ctx) => [
    { name: 'berth', run: command([process.execPath, berth, '-f', ctx.file, 'config'], { cwd: ctx.dir }) },
    {
      name: 'docker-compose',
      available: () => existsSync('/usr/bin/docker-compose'),
      install: 'bash bench/setup-peers.sh',
      run: command(['/usr/bin/docker-compose', '-f', ctx.file, 'config'], { cwd: ctx.dir }),
    },
  ],
};
