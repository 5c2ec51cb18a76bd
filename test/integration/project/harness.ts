// A private berth world per test: its own state root, nftables table and DNS
// upstream (nothing leaves loopback), the example base image, and a check that
// `down -v` left nothing behind on the machine.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { berthBin, repoRoot, shortId, tempDir } from '../../helpers/env.js';

export interface World {
  root: string;
  table: string;
  env: NodeJS.ProcessEnv;
  berth(args: string[], extraEnv?: NodeJS.ProcessEnv): SpawnSyncReturns<string>;
  ok(args: string[], extraEnv?: NodeJS.ProcessEnv): string;
  cleanup(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function makeWorld(): World {
  const dir = tempDir('berth-orch-');
  const table = `bt${shortId(8)}`;
  // Its own address pool too: two suites on one machine never race for the same default subnet.
  const pool = `10.${100 + Math.floor(Math.random() * 100)}.0.0/16:24`;
  const env: NodeJS.ProcessEnv = {
    ...process.env, BERTH_ROOT: dir.path, BERTH_NFT_TABLE: table, BERTH_DNS_UPSTREAMS: '127.0.0.1:9', COMPOSE_PROGRESS: 'plain', BERTH_DEFAULT_POOLS: pool,
  };
  delete env.BERTH_TEST_CRASH_AT;
  const berth = (args: string[], extra: NodeJS.ProcessEnv = {}) => spawnSync(berthBin, args, { cwd: repoRoot, env: { ...env, ...extra }, encoding: 'utf8', timeout: 120_000 });
  const made = spawnSync('bash', [join(repoRoot, 'scripts/make-base-images.sh'), '--root', dir.path], { cwd: repoRoot, env, encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`make-base-images: ${made.stderr}`);
  return {
    root: dir.path, table, env, berth,
    ok(args, extra) {
      const r = berth(args, extra);
      if (r.status !== 0) throw new Error(`berth ${args.join(' ')} exited ${r.status} (${r.signal ?? ''}):\n${r.stdout}\n${r.stderr}`);
      return r.stdout + r.stderr;
    },
    cleanup: dir.cleanup,
  };
}

export interface PsEntry { ID: string; Name: string; Service: string; State: string; Health: string; Publishers: Array<{ PublishedPort: number }> }

export function ps(w: World, base: string[], extra: string[] = ['-a']): PsEntry[] {
  const out = w.ok([...base, 'ps', '--format', 'json', ...extra]);
  return out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as PsEntry);
}

/** Everything berth could leave behind for this root: returns one line per leftover. */
export function leftovers(w: World, ids: string[]): string[] {
  const out: string[] = [];
  const ls = (d: string) => { try { return readdirSync(d).filter((n) => !n.startsWith('.')); } catch { return []; } };
  for (const c of ls(join(w.root, 'containers'))) out.push(`container dir ${c}`);
  for (const n of ls(join(w.root, 'run/netns'))) out.push(`netns ${n}`);
  for (const v of ls(join(w.root, 'volumes'))) out.push(`volume ${v}`);
  for (const n of ls(join(w.root, 'networks')).filter((f) => f.endsWith('.json'))) out.push(`network record ${n}`);
  for (const p of ls(join(w.root, 'projects'))) for (const m of ls(join(w.root, 'projects', p, 'pending'))) out.push(`pending ${m}`);
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(w.root));
  out.push(...mounts.map((m) => `mount ${m.split(' ')[4]}`));
  const nft = spawnSync('nft', ['list', 'tables'], { encoding: 'utf8' }).stdout;
  if (nft.includes(` ${w.table}\n`) || nft.endsWith(` ${w.table}`)) out.push(`nft table ${w.table}`);
  for (const pid of ls('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd = '';
    try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (ids.some((id) => cmd.includes(id)) || cmd.includes(w.root)) out.push(`process ${pid} ${cmd.replace(/\0/g, ' ').slice(0, 80)}`);
  }
  for (const id of ids) {
    for (const c of ['memory', 'pids', 'cpu', 'freezer', 'unified', 'systemd']) {
      if (existsSync(`/sys/fs/cgroup/${c}/berth-${id}`)) out.push(`cgroup ${c}/berth-${id}`);
    }
  }
  return out;
}

/** Host-side links of this world's networks and endpoints (bridges br-<id12>, veths vb<hash>). */
export function links(w: World): string[] {
  const ids = (() => { try { return readdirSync(join(w.root, 'networks')).filter((f) => /^[a-f0-9]{64}\.json$/.test(f)).map((f) => f.slice(0, 12)); } catch { return []; } })();
  const all = spawnSync('ip', ['-br', 'link'], { encoding: 'utf8' }).stdout;
  return all.split('\n').map((l) => l.split(/\s+/)[0]!.split('@')[0]!).filter((n) => ids.some((i) => n === `br-${i}`));
}

/** Emergency cleanup when a test failed half-way: down -v, then remove the root. */
export function teardown(w: World, base: string[]): void {
  w.berth([...base, 'down', '-v', '--remove-orphans', '-t', '0']);
  spawnSync('nft', ['delete', 'table', 'inet', w.table]);
  w.cleanup();
}

/** One HTTP GET to 127.0.0.1:port (5 s timeout); the body. */
export function fetchOnce(port: number, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}
