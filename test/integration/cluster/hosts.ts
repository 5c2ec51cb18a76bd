// Simulated hosts for cluster tests: an underlay namespace with a bridge,
// one namespace per host with a veth into that bridge and its own underlay
// address, state root and nftables table; berth runs inside a host's
// namespace with `nsenter --net=...`. Traffic stays inside these namespaces.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { berthBin } from '../../helpers/env.js';
import { addrAdd, linkAdd, linkDelIfExists, linkSet } from '../../../src/native/netlink.js';
import { netnsCreate, netnsDelete } from '../../../src/native/netns.js';
import { sh } from '../network/helpers.js';

export interface SimHost {
  name: string;
  ns: string;            // netns file
  addr: string;          // underlay address
  root: string;          // state root
  table: string;         // nftables table
  berth: (...args: string[]) => { status: number | null; stdout: string; stderr: string };
  inNs: (args: string[]) => { ok: boolean; out: string };
  /** berth in the host's namespace, running in the background (stdout and stderr piped). */
  start: (...args: string[]) => ChildProcess;
}

export interface Underlay { ns: string; bridge: string; gateway: string; hosts: SimHost[]; cleanup: () => void }

/** `base` is a /24 prefix like "10.213.240" used only inside the namespaces. */
export function makeHosts(dir: string, id: string, count: number, base: string): Underlay {
  const uns = join(dir, `u-${id}`);
  const bridge = `ub${id}`;
  netnsCreate(uns);
  linkAdd(uns, { name: bridge, kind: 'bridge', up: true });
  addrAdd(uns, bridge, `${base}.1/24`);
  const hosts: SimHost[] = [];
  const veths: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `h${i + 1}`;
    const ns = join(dir, `${name}-${id}`);
    netnsCreate(ns);
    const veth = `u${id}${i}`;
    linkAdd(null, { name: veth, kind: 'veth', peer: { name: 'eth0', netns: ns } });
    veths.push(veth);
    linkSet(null, veth, { netns: uns });
    linkSet(uns, veth, { master: bridge, up: true });
    const addr = `${base}.${10 + i}`;
    addrAdd(ns, 'eth0', `${addr}/24`);
    linkSet(ns, 'eth0', { up: true });
    const root = join(dir, `root-${name}`);
    const table = `berth_${name}${id}`;
    const env = { ...process.env, BERTH_NFT_TABLE: table, BERTH_DNS_UPSTREAMS: '127.0.0.1:9', BERTH_NODE_TTL: '3' };
    hosts.push({
      name, ns, addr, root, table,
      berth: (...args) => {
        const r = spawnSync('nsenter', [`--net=${ns}`, process.execPath, berthBin, '--root', root, ...args], { encoding: 'utf8', env, timeout: 60_000 });
        return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
      },
      inNs: (args) => sh('nsenter', [`--net=${ns}`, ...args]),
      start: (...args) => spawn('nsenter', [`--net=${ns}`, process.execPath, berthBin, '--root', root, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }),
    });
  }
  const cleanup = () => {
    for (const h of hosts) netnsDelete(h.ns);
    for (const v of veths) { try { linkDelIfExists(uns, v); } catch { /* went with its namespace */ } }
    netnsDelete(uns);
  };
  return { ns: uns, bridge, gateway: `${base}.1`, hosts, cleanup };
}
