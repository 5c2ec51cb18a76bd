// A network namespace standing in for the host, so that a test can set host
// conditions (iptables policies, br_netfilter sysctls, dockerd) without
// touching the real host: berth runs inside it (nsenter --net), with its own
// state root and nftables table. An "upstream" namespace behind a veth plays
// the host's outside link (default route, a TCP server that names its peer);
// nothing routes out of these namespaces.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { statePaths } from '../../../src/state/paths.js';
import { createNetns, deleteNetns } from '../../../src/network/netns.js';
import { addrAdd, linkAdd, linkSet, routeAdd } from '../../../src/native/netlink.js';
import { berthBin, repoRoot, shortId, tempDir } from '../../helpers/env.js';
import { sh } from './helpers.js';

const PEER_SERVER = `require('net').createServer((c) => c.end('from:' + c.remoteAddress.replace('::ffff:', '') + '\\n')).listen(7000, () => process.stdout.write('ready\\n'));`;

export interface HostNs {
  ns: string;            // the stand-in host's netns file
  upstream: string;      // the outside netns file
  hostIp: string;        // the host's address on the outside link
  upstreamIp: string;    // the outside peer (TCP server on 7000 answering "from:<peer address>")
  root: string;          // berth's state root for this world
  table: string;         // berth's nftables table
  env: NodeJS.ProcessEnv;
  /** A command inside the host netns. */
  run(args: string[], timeoutMs?: number): { ok: boolean; out: string };
  berth(args: string[]): SpawnSyncReturns<string>;
  ok(args: string[]): string;
  /** Runs a long-lived process inside the host netns (killed by cleanup). */
  spawnIn(args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  cleanup(): void;
}

/** Sets up the stand-in host (lo up, outside link, default route) and berth's environment for it. */
export async function makeHostNs(opts: { images?: boolean } = {}): Promise<HostNs> {
  const id = shortId(6);
  const dir = tempDir('berth-hostns-');
  const own = statePaths(join(dir.path, 'ns'), {});  // the test's own netns files, apart from berth's root
  const root = join(dir.path, 'root');
  mkdirSync(root);
  const ns = createNetns(own, `host${id}`);
  const upstream = createNetns(own, `up${id}`);
  const children: ChildProcess[] = [];
  const table = `bx${id}`;
  const env: NodeJS.ProcessEnv = { ...process.env, BERTH_ROOT: root, BERTH_NFT_TABLE: table, BERTH_DNS_UPSTREAMS: '127.0.0.1:9', COMPOSE_PROGRESS: 'plain' };
  delete env.BERTH_TEST_CRASH_AT;
  const run = (args: string[], timeoutMs = 15_000) => {
    const r = spawnSync('nsenter', [`--net=${ns}`, ...args], { encoding: 'utf8', timeout: timeoutMs, env, cwd: repoRoot });
    return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  };
  const hostIp = '10.213.250.1', upstreamIp = '10.213.250.2';
  linkSet(ns, 'lo', { up: true });
  linkSet(upstream, 'lo', { up: true });
  linkAdd(ns, { name: 'uplink', kind: 'veth', up: true, peer: { name: 'eth0', netns: upstream } });
  addrAdd(ns, 'uplink', `${hostIp}/24`);
  addrAdd(upstream, 'eth0', `${upstreamIp}/24`);
  linkSet(upstream, 'eth0', { up: true });
  routeAdd(ns, { dst: 'default', gateway: upstreamIp });
  if (opts.images !== false) {
    const made = spawnSync('bash', [join(repoRoot, 'scripts/make-base-images.sh'), '--root', root], { cwd: repoRoot, env, encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`make-base-images: ${made.stderr}`);
  }
  const server = spawn('nsenter', [`--net=${upstream}`, process.execPath, '-e', PEER_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(server);
  await new Promise<void>((ok, fail) => {
    server.stdout!.once('data', () => ok());
    server.once('exit', (c) => fail(new Error(`upstream server exited ${c}`)));
  });
  const berth = (args: string[]) => spawnSync('nsenter', [`--net=${ns}`, berthBin, ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: 120_000 });
  return {
    ns, upstream, hostIp, upstreamIp, root, table, env, run, berth,
    ok(args) {
      const r = berth(args);
      if (r.status !== 0) throw new Error(`berth ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
      return r.stdout + r.stderr;
    },
    spawnIn(args, extra = {}) {
      const c = spawn('nsenter', [`--net=${ns}`, ...args], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(c);
      return c;
    },
    cleanup() {
      for (const c of children) c.kill('SIGKILL');
      // Deleting the namespace files frees both namespaces (and every link in them) once no process holds them.
      deleteNetns(own, `host${id}`);
      deleteNetns(own, `up${id}`);
      sh('rm', ['-rf', dir.path]);
    },
  };
}

/** Sets the conditions dockerd leaves on a host, inside the stand-in: FORWARD policy DROP (iptables-nft), br_netfilter on. */
export function dockerLikeHost(h: HostNs): void {
  const steps: string[][] = [
    ['sh', '-c', 'echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables && echo 1 > /proc/sys/net/bridge/bridge-nf-call-ip6tables'],
    ['iptables', '-P', 'FORWARD', 'DROP'],
    ['ip6tables', '-P', 'FORWARD', 'DROP'],
    // Another tool's own rules and chains, which berth must leave as they are.
    ['iptables', '-N', 'DOCKER-USER'],
    ['iptables', '-A', 'DOCKER-USER', '-j', 'RETURN'],
    ['iptables', '-A', 'FORWARD', '-j', 'DOCKER-USER'],
    ['iptables', '-A', 'FORWARD', '-i', 'docker0', '-j', 'ACCEPT'],
    // A host firewall dropping what it does not know on INPUT (ufw/firewalld style).
    ['iptables', '-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT'],
    ['iptables', '-A', 'INPUT', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT'],
    ['iptables', '-P', 'INPUT', 'DROP'],
  ];
  for (const s of steps) {
    const r = h.run(s);
    if (!r.ok) throw new Error(`${s.join(' ')}: ${r.out}`);
  }
}

/** The iptables rules (`-S`) of a chain inside the stand-in host. */
export function iptablesRules(h: HostNs, chain: string, family: 4 | 6 = 4): string[] {
  const r = h.run([family === 4 ? 'iptables' : 'ip6tables', '-S', chain]);
  if (!r.ok) throw new Error(r.out);
  return r.out.trim().split('\n');
}

export const hasIptables = spawnSync('iptables', ['--version'], { encoding: 'utf8' }).status === 0;
