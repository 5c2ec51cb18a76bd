// Output of `berth network …` over the project service's network verbs (loaded only when one runs).
import { UsageError } from '../../errors.js';
import type { GlobalOptions } from '../globals.js';
import { labelSpec, parseFilters } from '../../project/filters.js';
import { table } from '../tools/table.js';
import {
  networkConnect, networkCreate, networkDisconnect, networkList, networkPrune, networkRemove,
} from '../../project/network.js';
import { writeErr, writeOut } from '../output.js';

const out = (s: string) => writeOut(s.endsWith('\n') ? s : `${s}\n`);


function pairs(list: string[] | undefined, what: string): Record<string, string> {
  const o: Record<string, string> = {};
  for (const kv of list ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`${what} must be key=value: '${kv}'`);
    o[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return o;
}

export async function ls(g: GlobalOptions, o: { format: string; quiet?: boolean; filter?: string[]; trunc?: boolean }): Promise<void> {
  const nets = networkList(g.root, o.filter);
  if (o.quiet) return void (nets.length && out(nets.map((n) => n.id.slice(0, 12)).join('\n')));
  if (o.format === 'json') return void out(nets.map((n) => JSON.stringify(n)).join('\n'));
  if (o.format !== 'table') {
    const { networkTemplate } = await import('../tools/ls-templates.js');
    return void writeOut(networkTemplate(nets, o.format, { noTrunc: o.trunc === false }));
  }
  out(table(['NETWORK ID', 'NAME', 'DRIVER', 'SUBNETS', 'CONTAINERS'],
    nets.map((n) => [n.id.slice(0, 12), n.name, n.driver, n.subnets.map((s) => s.subnet).join(','), String(n.containers.length)])));
}

export async function inspect(g: GlobalOptions, names: string[], o: { format?: string }): Promise<void> {
  const { inspectCommand } = await import('../tools/object-inspect.js');
  await inspectCommand(g.root, names, { type: 'network', format: o.format });
}

export async function create(g: GlobalOptions, name: string, o: {
  driver: string; subnet?: string[]; gateway?: string[]; ipRange?: string[]; internal?: boolean; attachable?: boolean;
  ipv6?: boolean; label?: string[]; opt?: string[]; format: string;
}): Promise<void> {
  const n = await networkCreate(g.root, name, { ...o, labels: pairs(o.label, '--label'), driverOpts: pairs(o.opt, '--opt') });
  out(o.format === 'json' ? JSON.stringify(n) : n.id);
}

export async function rm(g: GlobalOptions, names: string[]): Promise<void> {
  let failed: unknown;
  for (const name of names) {
    try {
      await networkRemove(g.root, name);
      out(name);
    } catch (e) {
      if (names.length === 1) throw e;
      writeErr(`${(e as Error).message}\n`);
      failed = e;
    }
  }
  if (failed) process.exitCode = 1;
}

export async function prune(g: GlobalOptions, o: { filter?: string[]; format: string }): Promise<void> {
  const labels: Record<string, string | undefined> = {};
  for (const f of parseFilters(o.filter, ['label'])) {
    const [k, v] = labelSpec(f.value);
    labels[k] = v;
  }
  const removed = await networkPrune(g.root, labels);
  if (o.format === 'json') out(JSON.stringify({ removed }));
  else if (removed.length) out(`Deleted Networks:\n${removed.join('\n')}`);
}

export async function connect(g: GlobalOptions, network: string, container: string, o: {
  netns: string; name?: string; alias?: string[]; ip?: string; ip6?: string; interfaceName?: string; macAddress?: string; format: string;
}): Promise<void> {
  const a = await networkConnect(g.root, network, container, o);
  out(o.format === 'json' ? JSON.stringify(a) : `${a.interface} ${[a.ipv4, a.ipv6].filter(Boolean).join(' ')}`);
}

export async function disconnect(g: GlobalOptions, network: string, container: string): Promise<void> {
  await networkDisconnect(g.root, network, container);
}
