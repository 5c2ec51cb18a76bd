// Overlay throughput and latency between two simulated hosts (network
// namespaces on an underlay bridge, a real etcd on it): container on host 1
// → container on host 2 over berth's overlay network, against the same two
// containers' path over a plain bridge network on one host, and against a
// hand-built kernel VXLAN (one vxlan device per host namespace, addresses on
// it, static FDB) between the same host namespaces. Throughput: iperf3 pushes
// a fixed 256 MiB (time per run = 1/throughput); latency: 500 TCP round trips.
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn, spawnSync } from 'node:child_process';

const dist = new URL('../../dist/src/', import.meta.url);
const { netnsCreate, netnsDelete } = await import(new URL('native/netns.js', dist));
const nl = await import(new URL('native/netlink.js', dist));
const repo = new URL('../../', import.meta.url).pathname;

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const id = Math.random().toString(36).slice(2, 6);
const BYTES = '256M';
const ROUND_TRIPS = 500;

const PINGPONG = `
const net = require('net');
const [mode, host, port, n] = process.argv.slice(1);
if (mode === 'serve') net.createServer((c) => c.on('data', (d) => c.write(d))).listen(+port, () => process.stdout.write('ready\\n'));
else { const c = net.connect(+port, host, () => { let left = +n; c.setNoDelay(true); c.on('data', () => (--left ? c.write('x') : c.end())); c.write('x'); }); }`;

const nsx = (ns, args, opts = {}) => spawnSync('nsenter', [`--net=${ns}`, ...args], { encoding: 'utf8', ...opts });
function must(r, what) { if (r.status !== 0) throw new Error(`${what}: ${r.stderr || r.stdout}`); return r.stdout; }

function serveIn(ns, args) {
  const p = spawn('nsenter', [`--net=${ns}`, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  return p;
}

const throughput = (ns, ip) => () => must(nsx(ns, ['iperf3', '-n', BYTES, '-J', '-c', ip, '-p', '5201']), `iperf3 to ${ip}`);
const latency = (ns, ip) => () => must(nsx(ns, [process.execPath, '-e', PINGPONG, 'ask', ip, '7000', String(ROUND_TRIPS)]), `round trips to ${ip}`);

export default {
  name: 'overlay',
  description: `container→container across two hosts: berth overlay vs plain bridge (one host) vs hand-built kernel VXLAN; iperf3 ${BYTES} and ${ROUND_TRIPS} TCP round trips`,
  reps: 5,
  warmup: 1,
  async setup() {
    if (!has('iperf3') || !has('etcd')) return { skip: true };
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-ov-'));
    const ctx = { dir, procs: [], nss: [], hosts: [] };
    const base = `10.213.${240 + Math.floor(Math.random() * 14)}`;
    try {
      const u = join(dir, 'u'); netnsCreate(u); ctx.nss.push(u);
      nl.linkAdd(u, { name: `ub${id}`, kind: 'bridge', up: true });
      nl.addrAdd(u, `ub${id}`, `${base}.1/24`);
      for (const i of [1, 2]) {
        const ns = join(dir, `h${i}`); netnsCreate(ns); ctx.nss.push(ns);
        nl.linkAdd(null, { name: `ob${id}${i}`, kind: 'veth', peer: { name: 'eth0', netns: ns } });
        nl.linkSet(null, `ob${id}${i}`, { netns: u });
        nl.linkSet(u, `ob${id}${i}`, { master: `ub${id}`, up: true });
        nl.addrAdd(ns, 'eth0', `${base}.${10 + i}/24`);
        nl.linkSet(ns, 'eth0', { up: true });
        const root = join(dir, `root${i}`);
        const env = { ...process.env, BERTH_NFT_TABLE: `berth_ob${id}${i}`, BERTH_DNS_UPSTREAMS: '127.0.0.1:9' };
        const berth = (...a) => must(nsx(ns, [process.execPath, join(repo, 'bin/berth'), '--root', root, ...a], { env }), `berth ${a.join(' ')}`);
        ctx.hosts.push({ ns, root, addr: `${base}.${10 + i}`, berth, table: env.BERTH_NFT_TABLE });
      }
      const etcdData = join(dir, 'etcd');
      ctx.etcd = (serveIn(u, ['etcd', '--name', 'b', '--data-dir', etcdData, '--listen-client-urls', `http://${base}.1:2379`, '--advertise-client-urls', `http://${base}.1:2379`,
        '--listen-peer-urls', `http://${base}.1:2380`, '--initial-advertise-peer-urls', `http://${base}.1:2380`, '--initial-cluster', `b=http://${base}.1:2380`]));
      const deadline = Date.now() + 15000;
      while (nsx(u, ['etcdctl', `--endpoints=http://${base}.1:2379`, 'get', 'x'], { env: { ...process.env, ETCDCTL_API: '3' } }).status !== 0) {
        if (Date.now() > deadline) throw new Error('etcd did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
      const [h1, h2] = ctx.hosts;
      for (const [i, h] of ctx.hosts.entries()) h.berth('node', 'join', '--store', `etcd://${base}.1:2379`, '--advertise-addr', h.addr, '--name', `b${i + 1}`);
      for (const h of ctx.hosts) h.berth('network', 'create', '-d', 'overlay', `ov${id}`);
      h1.berth('network', 'create', `pb${id}`);
      const c = (name) => { const p = join(dir, name); netnsCreate(p); ctx.nss.push(p); return p; };
      ctx.o1 = c('o1'); ctx.o2 = c('o2'); ctx.b1 = c('b1'); ctx.b2 = c('b2');
      ctx.ip = {};
      ctx.ip.o1 = JSON.parse(h1.berth('network', 'connect', `ov${id}`, `o1${id}`, '--netns', ctx.o1, '--format', 'json')).ipv4;
      h2.berth('network', 'connect', `ov${id}`, `o2${id}`, '--netns', ctx.o2, '--format', 'json');
      ctx.ip.b1 = JSON.parse(h1.berth('network', 'connect', `pb${id}`, `b1${id}`, '--netns', ctx.b1, '--format', 'json')).ipv4;
      h1.berth('network', 'connect', `pb${id}`, `b2${id}`, '--netns', ctx.b2, '--format', 'json');
      // Hand-built: a vxlan device in each host namespace, addresses on it, static flood entry to the other host.
      for (const [i, h] of ctx.hosts.entries()) {
        nl.linkAdd(h.ns, { name: 'hv0', kind: 'vxlan', mtu: 1450, vxlan: { id: 99, local: h.addr, port: 4789, learning: false } });
        nl.fdbAppend(h.ns, { dev: 'hv0', mac: '00:00:00:00:00:00', dst: ctx.hosts[1 - i].addr });
        nl.addrAdd(h.ns, 'hv0', `10.213.239.${i + 1}/24`);
        nl.linkSet(h.ns, 'hv0', { up: true });
      }
      ctx.ip.hv = '10.213.239.1';
      for (const ns of [ctx.o1, ctx.b1, h1.ns]) {
        ctx.procs.push(serveIn(ns, ['iperf3', '-s', '-p', '5201']));
        ctx.procs.push(serveIn(ns, [process.execPath, '-e', PINGPONG, 'serve', '', '7000']));
      }
      // Ready when the overlay path answers (the agents have written the forwarding entries).
      const until = Date.now() + 20000;
      while (nsx(ctx.o2, [process.execPath, '-e', PINGPONG, 'ask', ctx.ip.o1, '7000', '1'], { timeout: 3000 }).status !== 0) {
        if (Date.now() > until) throw new Error('overlay path not ready');
        await new Promise((r) => setTimeout(r, 200));
      }
    } catch (e) {
      await this.teardown(ctx);
      throw e;
    }
    return ctx;
  },
  async teardown(ctx) {
    if (ctx.skip) return;
    for (const p of ctx.procs) p.kill('SIGKILL');
    const [h1, h2] = ctx.hosts;
    // etcd goes last: leaving the cluster and removing the network talk to it.
    const quiet = (f) => { try { f(); } catch (e) { console.error(e.message.split('\n')[0]); } };
    if (h1) { quiet(() => h1.berth('network', 'disconnect', `ov${id}`, `o1${id}`)); quiet(() => h1.berth('network', 'disconnect', `pb${id}`, `b1${id}`)); quiet(() => h1.berth('network', 'disconnect', `pb${id}`, `b2${id}`)); }
    if (h2) quiet(() => h2.berth('network', 'disconnect', `ov${id}`, `o2${id}`));
    for (const h of ctx.hosts) {
      quiet(() => h.berth('network', 'prune'));
      quiet(() => h.berth('node', 'leave'));
      for (const f of [join(h.root, 'cluster', 'agent.pid')]) { try { process.kill(Number(readFileSync(f, 'utf8')), 'SIGKILL'); } catch { /* gone */ } }
      try { process.kill(JSON.parse(readFileSync(join(h.root, 'run', 'dns', 'server.json'), 'utf8')).pid, 'SIGKILL'); } catch { /* gone */ }
      nsx(h.ns, ['nft', 'delete', 'table', 'inet', h.table]);
    }
    if (ctx.etcd) { const gone = new Promise((r) => ctx.etcd.once('exit', r)); ctx.etcd.kill('SIGTERM'); await gone; }
    for (const ns of ctx.nss.reverse()) netnsDelete(ns);
    rmSync(ctx.dir, { recursive: true, force: true });
  },
  variants: (ctx) => ctx.skip ? [] : [
    { name: 'berth', run: throughput(ctx.o2, ctx.ip.o1) },
    { name: 'plain-bridge', run: throughput(ctx.b2, ctx.ip.b1) },
    { name: 'hand-built-vxlan', run: throughput(ctx.hosts[1].ns, ctx.ip.hv) },
    { name: 'berth-latency', base: null, run: latency(ctx.o2, ctx.ip.o1) },
    { name: 'plain-bridge-latency', base: 'berth-latency', run: latency(ctx.b2, ctx.ip.b1) },
    { name: 'hand-built-vxlan-latency', base: 'berth-latency', run: latency(ctx.hosts[1].ns, ctx.ip.hv) },
  ],
};
