// The three compose tools behind one shape, for cases that run the same
// compose file through each: berth (its own state root), docker-compose (a
// private dockerd) and podman-compose (a private podman). Starts the peers'
// engines, loads berth's busybox image into them, and stops them again.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DockerEngine, dockerUnavailable } from './docker-engine.mjs';
import { PodmanEngine, podmanUnavailable } from './podman-engine.mjs';
import { sh } from './sandbox.mjs';

const repo = new URL('../../', import.meta.url).pathname;
export const berthBin = join(repo, 'bin/berth');
export const IMAGE = 'berth-examples/busybox:latest';

/** Runs argv with env; throws when it fails, so a broken tool never looks fast. */
export function run(argv, env) {
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${String(r.stderr).trim().slice(-400)}`);
}

const lines = (s) => s.split('\n').filter(Boolean).length;

function berthTool(dir, id) {
  const root = join(dir, 'berth-root');
  // BERTH_DNS_UPSTREAMS: the name server never forwards a query off the machine.
  const env = { ...process.env, BERTH_ROOT: root, BERTH_NFT_TABLE: `bb${id}`, BERTH_DNS_UPSTREAMS: '127.0.0.1:9' };
  const made = spawnSync('bash', [join(repo, 'scripts/make-base-images.sh'), '--root', root], { env, encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`make-base-images: ${made.stderr}`);
  // bin/berth itself, as a user runs it (its #! line carries a V8 flag `node bin/berth` must set at run time).
  const cli = (project, file) => [berthBin, '-p', project, '-f', file];
  return {
    name: 'berth', env,
    cli,
    count: (project, file, all) => lines(sh([...cli(project, file), 'ps', '-q', ...(all ? ['-a'] : ['--status', 'running'])], { env })),
    version: () => sh([process.execPath, berthBin, '--version']).trim(),
  };
}

/** Starts what is available; `tools` has berth and each working peer, `unavailable` says why the others are not. */
export async function startTools(dir, id, { withPeers = true } = {}) {
  const tools = { berth: berthTool(dir, id) };
  const unavailable = {};
  if (!withPeers) return { tools, unavailable };
  const tar = join(dir, 'busybox.tar');
  sh([process.execPath, berthBin, 'image', 'save', '-o', tar, IMAGE], { env: tools.berth.env });
  const peers = [
    ['docker-compose', dockerUnavailable, () => new DockerEngine(), 'docker'],
    ['podman-compose', podmanUnavailable, () => new PodmanEngine(), 'podman'],
  ];
  for (const [name, why, make, cliName] of peers) {
    const reason = why();
    if (reason) { unavailable[name] = reason; continue; }
    const engine = make();
    try {
      await engine.start();
      engine.loadImage(tar);
    } catch (e) {
      unavailable[name] = e.message.split('\n')[0];
      if (engine.box) await engine.stop().catch(() => {});
      continue;
    }
    const ps = (project, all) => (cliName === 'docker' ? engine.docker.bind(engine) : engine.podman.bind(engine))(
      ['ps', '-q', ...(all ? ['-a'] : ['--filter', 'status=running']), '--filter', `label=com.docker.compose.project=${project}`]);
    tools[name] = {
      name, env: engine.env, engine,
      cli: (project, file) => engine.compose(project, file),
      count: (project, _file, all) => lines(ps(project, all)),
      version: () => engine.versions(),
    };
  }
  return { tools, unavailable };
}

/** Stops every peer engine; throws after trying them all when any left something behind. */
export async function stopTools(tools) {
  const errors = [];
  for (const t of Object.values(tools)) {
    if (t.engine) await t.engine.stop().catch((e) => errors.push(e.message));
  }
  if (errors.length) throw new Error(errors.join('\n'));
}

export function versions(tools, unavailable) {
  const out = {};
  for (const [name, t] of Object.entries(tools)) {
    try { out[name] = t.version(); } catch (e) { out[name] = `unknown (${e.message.split('\n')[0]})`; }
  }
  for (const [name, why] of Object.entries(unavailable)) out[name] = `unavailable: ${why}`;
  return out;
}
