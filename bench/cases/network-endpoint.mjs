// Endpoint setup per container: a pinned netns, a veth pair with the
// container side created inside it, bridge port, addresses, lo/eth0 up,
// default route — and the teardown — natively (rtnetlink from the addon)
// vs the same steps with `ip` commands; plus berth's full endpoint API
// (IPAM lease, veth, hairpin, firewall, DNS record, state) for scale.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';

const dist = new URL('../../dist/src/', import.meta.url);
const { netnsCreate, netnsDelete } = await import(new URL('native/netns.js', dist));
const nl = await import(new URL('native/netlink.js', dist));
const api = await import(new URL('network/index.js', dist));
const { statePaths } = await import(new URL('state/paths.js', dist));

const id = Math.random().toString(36).slice(2, 8);
const sub = `10.213.${200 + Math.floor(Math.random() * 50)}`;
const sub2 = `10.213.${150 + Math.floor(Math.random() * 50)}`;
// `ip netns add` turns /run/netns into a shared bind mount the first time; undone in teardown if it was us.
const runNetnsMounted = () => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === '/run/netns');
const ip = (...args) => {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
};

export default {
  name: 'network-endpoint',
  description: 'endpoint setup+teardown per container (netns, veth, addresses, routes)',
  reps: 30,
  warmup: 3,
  async setup() {
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
    const br = `bb${id}`;
    process.env.BERTH_NFT_TABLE = `berth_b${id}`;
    process.env.BERTH_DNS_UPSTREAMS = '127.0.0.1:9';
    const paths = statePaths(join(dir, 'root'));
    mkdirSync(join(paths.runtime, 'netns'), { recursive: true });
    const net = await api.createNetwork(paths, { name: `bench${id}`, ipam: { config: [{ subnet: `${sub2}.0/24` }] } })
      .catch((e) => { rmSync(dir, { recursive: true, force: true }); throw e; });
    nl.linkAdd(null, { name: br, kind: 'bridge', up: true });
    nl.addrAdd(null, br, `${sub}.1/24`);
    return { dir, br, paths, net, n: 0, hadRunNetns: runNetnsMounted() };
  },
  async teardown(ctx) {
    try { await api.removeNetwork(ctx.paths, ctx.net.id); } catch (e) { console.error(e.message); }
    nl.linkDelIfExists(null, ctx.br);
    rmSync(ctx.dir, { recursive: true, force: true });
    if (!ctx.hadRunNetns && runNetnsMounted() && readdirSync('/run/netns').length === 0) spawnSync('umount', ['/run/netns']);
  },
  variants: (ctx) => [
    {
      name: 'berth',
      run: () => {
        const ns = join(ctx.dir, `n${ctx.n++}`);
        netnsCreate(ns);
        nl.linkAdd(null, { name: `bv${id}`, kind: 'veth', master: ctx.br, up: true, peer: { name: 'eth0', netns: ns } });
        nl.addrAdd(ns, 'eth0', `${sub}.2/24`);
        nl.linkSet(ns, 'eth0', { up: true });
        nl.routeAdd(ns, { dst: 'default', gateway: `${sub}.1` });
        nl.linkDel(null, `bv${id}`);
        netnsDelete(ns);
      },
    },
    {
      name: 'ip-commands',
      run: () => {
        const ns = `berthb${id}`;
        ip('netns', 'add', ns);
        ip('-n', ns, 'link', 'set', 'lo', 'up');
        ip('link', 'add', `bv${id}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
        ip('link', 'set', `bv${id}`, 'master', ctx.br, 'up');
        ip('-n', ns, 'addr', 'add', `${sub}.2/24`, 'dev', 'eth0');
        ip('-n', ns, 'link', 'set', 'eth0', 'up');
        ip('-n', ns, 'route', 'add', 'default', 'via', `${sub}.1`);
        ip('link', 'del', `bv${id}`);
        ip('netns', 'del', ns);
      },
    },
    {
      name: 'berth-endpoint-api',
      run: async () => {
        const ns = join(ctx.paths.runtime, 'netns', `e${ctx.n++}`);
        netnsCreate(ns);
        await api.connectEndpoint(ctx.paths, { containerId: `bench${id}`, name: `b${id}`, netnsPath: ns, dnsNames: ['svc'], networks: [{ name: ctx.net.name }] });
        await api.disconnectEndpoint(ctx.paths, `bench${id}`);
        netnsDelete(ns);
      },
    },
  ],
};
