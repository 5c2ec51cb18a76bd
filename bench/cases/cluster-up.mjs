// Time from `berth up` on one node to the service answering from another:
// two simulated hosts (network namespaces on an underlay bridge, a real etcd
// on it), both nodes of one cluster. A project with one web service placed
// by constraint on node 2 (on an overlay network, its port published) is
// brought up from node 1; the run is timed in two phases: `up -d` returning
// (placed, converged by node 2's agent, reported through etcd) and then
// until the service answers a TCP connection from node 1 at node 2's
// address. (From node 1's host namespace the overlay address itself is not
// the way: every node's bridge holds the gateway address, so the answer
// would go to node 2's bridge.) `down` after each run is not timed.
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const dist = new URL('../../dist/src/', import.meta.url);
const { netnsCreate, netnsDelete } = await import(new URL('native/netns.js', dist));
const nl = await import(new URL('native/netlink.js', dist));
const repo = new URL('../../', import.meta.url).pathname;

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const id = Math.random().toString(36).slice(2, 6);
const nsx = (ns, args, opts = {}) => spawnSync('nsenter', [`--net=${ns}`, ...args], { encoding: 'utf8', ...opts });
function must(r, what) { if (r.status !== 0) throw new Error(`${what}: ${r.stderr || r.stdout}`); return r.stdout; }

const CONNECT = `const c = require('net').connect(+process.argv[2], process.argv[1]);
c.setTimeout(500, () => process.exit(1)); c.on('connect', () => process.exit(0)); c.on('error', () => process.exit(1));`;

function compose(name, subnet) {
  return `name: ${name}
services:
  web:
    image: berth-examples/busybox:latest
    command: ["httpd", "-f", "-p", "8080", "-h", "/"]
    stop_grace_period: 1s
    ports: ["8080:8080"]
    networks: [mesh]
    deploy: {placement: {constraints: ["node.hostname == c2"]}}
networks:
  mesh:
    driver: overlay
    ipam: {config: [{subnet: ${subnet}}]}
`;
}

export default {
  name: 'cluster-up',
  description: '`up -d` on node 1 of a project placed on node 2, until its service answers node 1 (at the published port of node 2; 2 simulated hosts, real etcd)',
  reps: 5,
  warmup: 1,
  async setup() {
    if (!has('etcd')) return { skip: true };
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-cu-'));
    const ctx = { dir, nss: [], hosts: [], name: `cu${id}` };
    const base = `10.213.${240 + Math.floor(Math.random() * 14)}`;
    try {
      const u = join(dir, 'u'); netnsCreate(u); ctx.nss.push(u);
      nl.linkAdd(u, { name: `uc${id}`, kind: 'bridge', up: true });
      nl.addrAdd(u, `uc${id}`, `${base}.1/24`);
      for (const i of [1, 2]) {
        const ns = join(dir, `h${i}`); netnsCreate(ns); ctx.nss.push(ns);
        nl.linkAdd(null, { name: `cb${id}${i}`, kind: 'veth', peer: { name: 'eth0', netns: ns } });
        nl.linkSet(null, `cb${id}${i}`, { netns: u });
        nl.linkSet(u, `cb${id}${i}`, { master: `uc${id}`, up: true });
        nl.addrAdd(ns, 'eth0', `${base}.${10 + i}/24`);
        nl.linkSet(ns, 'eth0', { up: true });
        const root = join(dir, `root${i}`);
        const env = { ...process.env, BERTH_NFT_TABLE: `berth_cu${id}${i}`, BERTH_DNS_UPSTREAMS: '127.0.0.1:9' };
        const berth = (...a) => must(nsx(ns, [process.execPath, join(repo, 'bin/berth'), '--root', root, ...a], { env }), `berth ${a.join(' ')}`);
        must(spawnSync('bash', [join(repo, 'scripts/make-base-images.sh'), '--root', root], { encoding: 'utf8' }), 'make-base-images');
        ctx.hosts.push({ ns, root, addr: `${base}.${10 + i}`, berth, table: env.BERTH_NFT_TABLE });
      }
      const etcdData = join(dir, 'etcd');
      ctx.etcd = spawn('nsenter', [`--net=${u}`, 'etcd', '--name', 'b', '--data-dir', etcdData, '--listen-client-urls', `http://${base}.1:2379`,
        '--advertise-client-urls', `http://${base}.1:2379`, '--listen-peer-urls', `http://${base}.1:2380`,
        '--initial-advertise-peer-urls', `http://${base}.1:2380`, '--initial-cluster', `b=http://${base}.1:2380`], { stdio: 'ignore' });
      const deadline = Date.now() + 15000;
      while (nsx(u, ['etcdctl', `--endpoints=http://${base}.1:2379`, 'get', 'x'], { env: { ...process.env, ETCDCTL_API: '3' } }).status !== 0) {
        if (Date.now() > deadline) throw new Error('etcd did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const [i, h] of ctx.hosts.entries()) h.berth('node', 'join', '--store', `etcd://${base}.1:2379`, '--advertise-addr', h.addr, '--name', `c${i + 1}`);
      ctx.file = join(dir, 'compose.yaml');
      writeFileSync(ctx.file, compose(ctx.name, `${base.replace(/\.\d+$/, '')}.239.0/24`));
    } catch (e) {
      await this.teardown(ctx);
      throw e;
    }
    return ctx;
  },
  async teardown(ctx) {
    if (ctx.skip) return;
    const quiet = (f) => { try { f(); } catch (e) { console.error(e.message.split('\n')[0]); } };
    if (ctx.hosts[0] && ctx.file) quiet(() => ctx.hosts[0].berth('-f', ctx.file, 'down'));
    for (const h of ctx.hosts) {
      quiet(() => h.berth('node', 'leave'));
      quiet(() => h.berth('-p', ctx.name, 'down', '-t', '0'));
      quiet(() => h.berth('network', 'prune'));
      try { process.kill(Number(readFileSync(join(h.root, 'cluster', 'agent.pid'), 'utf8')), 'SIGKILL'); } catch { /* gone */ }
      try { process.kill(JSON.parse(readFileSync(join(h.root, 'run', 'dns', 'server.json'), 'utf8')).pid, 'SIGKILL'); } catch { /* gone */ }
      nsx(h.ns, ['nft', 'delete', 'table', 'inet', h.table]);
    }
    if (ctx.etcd) { const gone = new Promise((r) => ctx.etcd.once('exit', r)); ctx.etcd.kill('SIGTERM'); await gone; }
    for (const ns of ctx.nss.reverse()) netnsDelete(ns);
    rmSync(ctx.dir, { recursive: true, force: true });
  },
  variants: (ctx) => ctx.skip ? [] : [{
    name: 'berth',
    async run() {
      const [h1, h2] = ctx.hosts;
      const t0 = performance.now();
      h1.berth('-f', ctx.file, 'up', '-d');
      const t1 = performance.now();
      const deadline = Date.now() + 30000;
      while (nsx(h1.ns, [process.execPath, '-e', CONNECT, h2.addr, '8080']).status !== 0) {
        if (Date.now() > deadline) throw new Error('the service did not answer from node 1');
      }
      const t2 = performance.now();
      h1.berth('-f', ctx.file, 'down');
      return { up: t1 - t0, answering: t2 - t1 };
    },
  }],
};
