// Throughput: iperf3 pushes a fixed 1 GiB, so the time per run is the
// inverse of throughput. berth = host → published port (kernel DNAT, no
// proxy); peers: container → container over the bridge, plain loopback,
// and the same published port through a userland proxy (socat).
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn, spawnSync, execFileSync } from 'node:child_process';

const dist = new URL('../../dist/src/', import.meta.url);
const { netnsCreate, netnsDelete } = await import(new URL('native/netns.js', dist));
const api = await import(new URL('network/index.js', dist));
const { statePaths } = await import(new URL('state/paths.js', dist));

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const id = Math.random().toString(36).slice(2, 8);
const BYTES = '1G';

function iperf(args, ns) {
  const argv = [...(ns ? ['nsenter', `--net=${ns}`] : []), 'iperf3', '-n', BYTES, '-J', ...args];
  return () => {
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stdout.slice(0, 300)}${r.stderr}`);
  };
}

export default {
  name: 'network-throughput',
  description: `iperf3 ${BYTES} transfer time: published port (DNAT) vs container→container, loopback, socat proxy`,
  reps: 5,
  warmup: 1,
  async setup() {
    if (!has('iperf3')) return { skip: true };
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
    process.env.BERTH_NFT_TABLE = `berth_b${id}`;
    process.env.BERTH_DNS_UPSTREAMS = '127.0.0.1:9';
    const paths = statePaths(join(dir, 'root'));
    mkdirSync(join(paths.runtime, 'netns'), { recursive: true });
    const ns1 = join(paths.runtime, 'netns', 'c1'), ns2 = join(paths.runtime, 'netns', 'c2');
    const procs = [];
    const ctx = { dir, paths, ns1, ns2, procs, eps: [] };
    try {
      netnsCreate(ns1); netnsCreate(ns2);
      ctx.net = await api.createNetwork(paths, { name: `tp${id}`, ipam: { config: [{ subnet: `10.213.${100 + Math.floor(Math.random() * 50)}.0/24` }] } });
      const pub = 30000 + Math.floor(Math.random() * 20000);
      const e1 = await api.connectEndpoint(paths, { containerId: `tp1${id}`, netnsPath: ns1, networks: [{ name: ctx.net.name }], ports: [{ target: 5201, published: pub, host_ip: '127.0.0.1' }] });
      ctx.eps.push(`tp1${id}`);
      await api.connectEndpoint(paths, { containerId: `tp2${id}`, netnsPath: ns2, networks: [{ name: ctx.net.name }] });
      ctx.eps.push(`tp2${id}`);
      Object.assign(ctx, { c1: e1.attachments[0].ipv4, pub, lo: pub + 1, proxy: pub + 2 });
      procs.push(spawn('nsenter', [`--net=${ns1}`, 'iperf3', '-s', '-p', '5201'], { stdio: 'ignore' }));
      procs.push(spawn('iperf3', ['-s', '-B', '127.0.0.1', '-p', String(ctx.lo)], { stdio: 'ignore' }));
      if (has('socat')) procs.push(spawn('socat', [`TCP-LISTEN:${ctx.proxy},bind=127.0.0.1,reuseaddr,fork`, `TCP:${ctx.c1}:5201`], { stdio: 'ignore' }));
      execFileSync('sleep', ['0.5']);
    } catch (e) {
      await this.teardown(ctx);
      throw e;
    }
    return ctx;
  },
  async teardown(ctx) {
    if (ctx.skip) return;
    for (const p of ctx.procs) p.kill('SIGKILL');
    for (const e of ctx.eps) await api.disconnectEndpoint(ctx.paths, e).catch((e) => console.error(e.message));
    if (ctx.net) await api.removeNetwork(ctx.paths, ctx.net.id).catch((e) => console.error(e.message));
    for (const n of [ctx.ns1, ctx.ns2]) netnsDelete(n);
    rmSync(ctx.dir, { recursive: true, force: true });
  },
  variants: (ctx) => ctx.skip ? [] : [
    { name: 'berth', run: iperf(['-c', '127.0.0.1', '-p', String(ctx.pub)]) },
    { name: 'container-to-container', run: iperf(['-c', ctx.c1, '-p', '5201'], ctx.ns2) },
    { name: 'loopback', run: iperf(['-c', '127.0.0.1', '-p', String(ctx.lo)]) },
    { name: 'socat-proxy', available: () => has('socat'), install: 'bash bench/setup-peers.sh', run: iperf(['-c', '127.0.0.1', '-p', String(ctx.proxy)]) },
  ],
};
