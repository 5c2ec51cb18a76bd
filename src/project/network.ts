// `network ls|inspect|create|rm|prune|connect|disconnect`: the engine-level
// network verbs over the network driver, returning data for the CLI to print.
import { UsageError } from '../errors.js';
import {
  connectEndpoint, createNetwork, disconnectEndpoint, listNetworks, pruneNetworks, removeNetwork,
  type IpamConfig, type NetworkSummary,
} from '../network/index.js';
import { labelMatches, parseFilters, type Filter } from './filters.js';
import { engineAt } from './engine.js';
import { pathsAt } from './state-root.js';

export type { NetworkSummary } from '../network/index.js';

function matches(n: NetworkSummary, filters: Filter[]): boolean {
  return filters.every(({ key, value }) => {
    if (key === 'name') return n.name.includes(value);
    if (key === 'driver') return n.driver === value;
    if (key === 'id') return n.id.startsWith(value);
    return labelMatches(n.labels, value);
  });
}

/** The networks on record; --filter name=, driver=, id=, label=<k>[=<v>]. */
export function networkList(root: string | undefined, filters?: string[]): NetworkSummary[] {
  const parsed = parseFilters(filters, ['driver', 'id', 'label', 'name']);
  return listNetworks(pathsAt(root)).filter((n) => matches(n, parsed));
}

export interface NetworkCreateOptions {
  driver: string; subnet?: string[]; gateway?: string[]; ipRange?: string[]; internal?: boolean; attachable?: boolean;
  ipv6?: boolean; labels: Record<string, string>; driverOpts: Record<string, string>;
}

export function networkCreate(root: string | undefined, name: string, o: NetworkCreateOptions): ReturnType<typeof createNetwork> {
  if ((o.gateway?.length ?? 0) > (o.subnet?.length ?? 0) || (o.ipRange?.length ?? 0) > (o.subnet?.length ?? 0)) {
    throw new UsageError('--gateway and --ip-range need a --subnet at the same position');
  }
  const config: IpamConfig[] = (o.subnet ?? []).map((subnet, i) => ({ subnet, gateway: o.gateway?.[i], ip_range: o.ipRange?.[i] }));
  const { paths, config: cfg } = engineAt(root);
  return createNetwork(paths, cfg, {
    name, driver: o.driver, internal: o.internal, attachable: o.attachable, enable_ipv6: o.ipv6,
    labels: o.labels, driver_opts: o.driverOpts, ipam: { config },
  });
}

export async function networkRemove(root: string | undefined, name: string): Promise<void> {
  const { paths, config: cfg } = engineAt(root);
  await removeNetwork(paths, cfg, name);
}

/** Removes every network without containers whose labels match (undefined value: the key alone). */
export function networkPrune(root: string | undefined, labels: Record<string, string | undefined>): Promise<string[]> {
  const { paths, config: cfg } = engineAt(root);
  return pruneNetworks(paths, cfg, labels);
}

export interface NetworkConnectOptions {
  netns: string; name?: string; alias?: string[]; ip?: string; ip6?: string; interfaceName?: string; macAddress?: string;
}

export async function networkConnect(root: string | undefined, network: string, container: string, o: NetworkConnectOptions) {
  const { paths, config: cfg } = engineAt(root);
  const ep = await connectEndpoint(paths, cfg, {
    containerId: container, name: o.name, netnsPath: o.netns,
    networks: [{ name: network, aliases: o.alias, ipv4_address: o.ip, ipv6_address: o.ip6, interface_name: o.interfaceName, mac_address: o.macAddress }],
  });
  return ep.attachments.find((x) => x.network === network || x.networkId.startsWith(network))!;
}

export function networkDisconnect(root: string | undefined, network: string, container: string): Promise<void> {
  const { paths, config: cfg } = engineAt(root);
  return disconnectEndpoint(paths, cfg, container, [network]);
}
