// Implementations behind `berth network …` (loaded only when one runs).
import { UsageError } from '../../errors.js';
import type { GlobalOptions } from '../globals.js';
import { statePaths } from '../../state/paths.js';
import {
  connectEndpoint, createNetwork, disconnectEndpoint, inspectNetwork, listNetworks, pruneNetworks, removeNetwork,
  type IpamConfig, type NetworkSummary,
} from '../../network/index.js';

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);

function table(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]! + 3))).join('').trimEnd()).join('\n') + '\n';
}

function pairs(list: string[] | undefined, what: string): Record<string, string> {
  const o: Record<string, string> = {};
  for (const kv of list ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`${what} must be key=value: '${kv}'`);
    o[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return o;
}

function matches(n: NetworkSummary, filters: string[] | undefined): boolean {
  for (const f of filters ?? []) {
    const i = f.indexOf('=');
    if (i <= 0) throw new UsageError(`invalid filter '${f}'`);
    const key = f.slice(0, i), val = f.slice(i + 1);
    if (key === 'name' && !n.name.includes(val)) return false;
    if (key === 'driver' && n.driver !== val) return false;
    if (key === 'id' && !n.id.startsWith(val)) return false;
    if (key === 'label') {
      const j = val.indexOf('=');
      const k = j < 0 ? val : val.slice(0, j);
      if (!(k in n.labels) || (j >= 0 && n.labels[k] !== val.slice(j + 1))) return false;
    }
    if (!['name', 'driver', 'id', 'label'].includes(key)) throw new UsageError(`unknown filter '${key}'`);
  }
  return true;
}

export async function ls(g: GlobalOptions, o: { format: string; quiet?: boolean; filter?: string[] }): Promise<void> {
  const nets = listNetworks(statePaths(g.root)).filter((n) => matches(n, o.filter));
  if (o.quiet) return void (nets.length && out(nets.map((n) => n.id.slice(0, 12)).join('\n')));
  if (o.format === 'json') return void out(nets.map((n) => JSON.stringify(n)).join('\n'));
  out(table([['NETWORK ID', 'NAME', 'DRIVER', 'SUBNETS', 'CONTAINERS'],
    ...nets.map((n) => [n.id.slice(0, 12), n.name, n.driver, n.subnets.map((s) => s.subnet).join(','), String(n.containers.length)])]));
}

export async function inspect(g: GlobalOptions, names: string[]): Promise<void> {
  const paths = statePaths(g.root);
  out(JSON.stringify(names.map((n) => inspectNetwork(paths, n)), null, 2));
}

export async function create(g: GlobalOptions, name: string, o: {
  driver: string; subnet?: string[]; gateway?: string[]; ipRange?: string[]; internal?: boolean; attachable?: boolean;
  ipv6?: boolean; label?: string[]; opt?: string[]; format: string;
}): Promise<void> {
  if ((o.gateway?.length ?? 0) > (o.subnet?.length ?? 0) || (o.ipRange?.length ?? 0) > (o.subnet?.length ?? 0)) {
    throw new UsageError('--gateway and --ip-range need a --subnet at the same position');
  }
  const config: IpamConfig[] = (o.subnet ?? []).map((subnet, i) => ({ subnet, gateway: o.gateway?.[i], ip_range: o.ipRange?.[i] }));
  const n = await createNetwork(statePaths(g.root), {
    name, driver: o.driver, internal: o.internal, attachable: o.attachable, enable_ipv6: o.ipv6,
    labels: pairs(o.label, '--label'), driver_opts: pairs(o.opt, '--opt'), ipam: { config },
  });
  out(o.format === 'json' ? JSON.stringify(n) : n.id);
}

export async function rm(g: GlobalOptions, names: string[]): Promise<void> {
  const paths = statePaths(g.root);
  let failed: unknown;
  for (const name of names) {
    try {
      await removeNetwork(paths, name);
      out(name);
    } catch (e) {
      if (names.length === 1) throw e;
      process.stderr.write(`${(e as Error).message}\n`);
      failed = e;
    }
  }
  if (failed) process.exitCode = 1;
}

export async function prune(g: GlobalOptions, o: { filter?: string[]; format: string }): Promise<void> {
  const labels: Record<string, string | undefined> = {};
  for (const f of o.filter ?? []) {
    const m = /^label=([^=]+)(?:=(.*))?$/.exec(f);
    if (!m) throw new UsageError(`invalid prune filter '${f}' (label=<key>[=<value>])`);
    labels[m[1]!] = m[2];
  }
  const removed = await pruneNetworks(statePaths(g.root), labels);
  if (o.format === 'json') out(JSON.stringify({ removed }));
  else if (removed.length) out(`Deleted Networks:\n${removed.join('\n')}`);
}

export async function connect(g: GlobalOptions, network: string, container: string, o: {
  netns: string; name?: string; alias?: string[]; ip?: string; ip6?: string; interfaceName?: string; macAddress?: string; format: string;
}): Promise<void> {
  const ep = await connectEndpoint(statePaths(g.root), {
    containerId: container, name: o.name, netnsPath: o.netns,
    networks: [{ name: network, aliases: o.alias, ipv4_address: o.ip, ipv6_address: o.ip6, interface_name: o.interfaceName, mac_address: o.macAddress }],
  });
  const a = ep.attachments.find((x) => x.network === network || x.networkId.startsWith(network))!;
  out(o.format === 'json' ? JSON.stringify(a) : `${a.interface} ${[a.ipv4, a.ipv6].filter(Boolean).join(' ')}`);
}

export async function disconnect(g: GlobalOptions, network: string, container: string): Promise<void> {
  await disconnectEndpoint(statePaths(g.root), container, [network]);
}
