// `berth config` on a generated 50-service project against Debian's
// `docker-compose config` (installed by bench/setup-peers.sh; it needs no
// daemon for `config`) and podman-compose's where it has one (1.0.3, Debian
// 12's, has not: recorded as skipped with that reason).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command } from '../lib.mjs';
import { PodmanEngine, podmanUnavailable } from '../peers/podman-engine.mjs';

// A generated project: anchors, ports, volumes, healthchecks, a depends_on
// chain, env, labels, networks (also loaded by test/unit/compose/examples.test.ts).
export function generateProject(n = 50) {
  const lines = [
    'x-base: &base',
    '  restart: unless-stopped',
    '  labels:',
    '    com.example.stack: bench',
    '  environment:',
    '    LOG_LEVEL: ${LOG_LEVEL:-info}',
    'services:',
  ];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  svc${i}:`,
      '    <<: *base',
      `    image: berth-examples/busybox:\${TAG:-latest}`,
      `    command: ["httpd", "-f", "-p", "${8000 + i}"]`,
      '    ports:',
      `      - "127.0.0.1:${10000 + i}:${8000 + i}"`,
      '    volumes:',
      `      - data${i % 5}:/data`,
      `      - ./conf/svc${i}:/etc/svc:ro`,
      '    networks: [front, back]',
      '    healthcheck:',
      `      test: ["CMD", "wget", "-q", "-O-", "http://localhost:${8000 + i}/"]`,
      '      interval: 10s',
      '      timeout: 2s',
      '      retries: 3',
      '    environment:',
      `      - SERVICE_INDEX=${i}`,
      '      - PEER=svc0',
    );
    if (i > 0) lines.push('    depends_on:', `      svc${i - 1}:`, '        condition: service_started');
  }
  lines.push('networks:', '  front: {}', '  back:', '    internal: true', 'volumes:');
  for (let v = 0; v < 5; v++) lines.push(`  data${v}: {}`);
  return lines.join('\n') + '\n';
}

const berth = new URL('../../bin/berth', import.meta.url).pathname;

/** Why podman-compose config cannot be measured, or null. */
function podmanComposeConfigMissing() {
  const why = podmanUnavailable();
  if (why) return why;
  const help = spawnSync('/usr/bin/podman-compose', ['--help'], { encoding: 'utf8' }).stdout ?? '';
  const cmds = help.match(/\{([a-z,-]+)\}/)?.[1].split(',') ?? [];
  return cmds.includes('config') ? null : `podman-compose here has no config command (its commands: ${cmds.join(' ')})`;
}

export default {
  name: 'config',
  description: '`config` on a 50-service project',
  reps: 15,
  async setup() {
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-config-'));
    writeFileSync(join(dir, 'compose.yaml'), generateProject(50));
    const ctx = { dir, file: join(dir, 'compose.yaml'), podmanMissing: podmanComposeConfigMissing() };
    // podman-compose asks podman its version first: a private podman, as in up-down.
    if (!ctx.podmanMissing) ctx.podman = await new PodmanEngine().start();
    return ctx;
  },
  async teardown(ctx) {
    try { if (ctx.podman) await ctx.podman.stop(); } finally { rmSync(ctx.dir, { recursive: true, force: true }); }
  },
  variants: (ctx) => [
    { name: 'berth', run: command([process.execPath, berth, '-f', ctx.file, 'config'], { cwd: ctx.dir }) },
    // Reference: what Node itself costs to start on this machine right now.
    { name: 'node-startup', base: null, run: command([process.execPath, '-e', '0']) },
    {
      name: 'docker-compose',
      available: () => existsSync('/usr/bin/docker-compose'),
      install: 'bash bench/setup-peers.sh',
      run: command(['/usr/bin/docker-compose', '-f', ctx.file, 'config'], { cwd: ctx.dir }),
    },
    {
      name: 'podman-compose',
      unavailable: ctx.podmanMissing ?? undefined,
      run: ctx.podman && command(ctx.podman.composeCli(['-f', ctx.file, 'config']), { cwd: ctx.dir, env: ctx.podman.env }),
    },
  ],
};
