// `inspect` of a container in Docker's shape: the container layer's view
// plus what the network layer holds (its networks, addresses and published
// ports) and the names of the volumes it mounts.
import { inspectRecord, sortedMap, type ContainerInspect } from '../../container/inspect.js';
import type { ContainerRecord } from '../../container/record.js';
import { getEndpoint } from '../../network/index.js';
import type { Engine } from '../engine.js';
import { sha256Hex } from '../../hashing.js';

interface DockerEndpoint {
  IPAMConfig: { IPv4Address?: string; IPv6Address?: string } | null;
  Links: string[] | null;
  Aliases: string[] | null;
  MacAddress: string;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  DNSNames: string[] | null;
}

type PortMap = Record<string, Array<{ HostIp: string; HostPort: string }> | null>;

export interface ContainerInspectFull extends ContainerInspect {
  NetworkSettings: {
    SandboxKey: string;
    Ports: PortMap;
    Networks: Record<string, DockerEndpoint>;
    /** The first network's address and gateway, as docker's legacy top-level fields. */
    IPAddress: string;
    Gateway: string;
    MacAddress: string;
  };
}

/** A stable 64-hex id for one container's endpoint on one network. */
export function endpointId(containerId: string, networkId: string): string {
  return sha256Hex(`${containerId}/${networkId}`);
}

function networkSettings(engine: Engine, rec: ContainerRecord, base: ContainerInspect): { settings: ContainerInspectFull['NetworkSettings']; mode?: string } {
  const ep = getEndpoint(engine.paths, rec.id);
  const networks: Array<[string, DockerEndpoint]> = (ep?.attachments ?? []).map((a) => [a.network, {
    IPAMConfig: a.ipv4 || a.ipv6 ? { ...(a.ipv4 ? { IPv4Address: a.ipv4 } : {}), ...(a.ipv6 ? { IPv6Address: a.ipv6 } : {}) } : null,
    Links: a.links.length ? a.links : null,
    Aliases: a.aliases.length ? a.aliases : null,
    MacAddress: a.mac ?? '',
    NetworkID: a.networkId,
    EndpointID: endpointId(rec.id, a.networkId),
    Gateway: a.gateway4 ?? '',
    IPAddress: a.ipv4 ?? '',
    IPPrefixLen: a.prefix4 ?? 0,
    IPv6Gateway: a.gateway6 ?? '',
    GlobalIPv6Address: a.ipv6 ?? '',
    GlobalIPv6PrefixLen: a.prefix6 ?? 0,
    DNSNames: ep!.dnsNames.length ? ep!.dnsNames : null,
  }]);
  // Exposed ports without a binding show as null, as docker prints them.
  const ports: Array<[string, Array<{ HostIp: string; HostPort: string }> | null]> = [];
  const bound = new Map<string, Array<{ HostIp: string; HostPort: string }>>();
  for (const p of ep?.ports ?? []) {
    const key = `${p.target}/${p.protocol}`;
    bound.set(key, [...(bound.get(key) ?? []), { HostIp: p.hostIp || '0.0.0.0', HostPort: String(p.hostPort) }]);
  }
  for (const [k, v] of bound) ports.push([k, v]);
  for (const k of new Set([...(ep?.expose ?? []), ...Object.keys(base.Config.ExposedPorts ?? {})])) if (!bound.has(k)) ports.push([k, null]);
  const first = networks[0]?.[1];
  return {
    settings: {
      SandboxKey: rec.input.network.mode === 'netns' ? rec.input.network.path : '',
      Ports: sortedMap(ports), Networks: sortedMap(networks),
      IPAddress: first?.IPAddress ?? '', Gateway: first?.Gateway ?? '', MacAddress: first?.MacAddress ?? '',
    },
    mode: networks[0]?.[0],
  };
}

/** Bind mounts as docker's `src:dst[:ro]` list (null when none). */
function binds(mounts: ContainerInspect['Mounts']): string[] | null {
  const list = mounts.filter((m) => m.Type === 'bind').map((m) => `${m.Source}:${m.Destination}${m.RW ? '' : ':ro'}`);
  return list.length ? list : null;
}

export function inspectContainer(engine: Engine, rec: ContainerRecord): ContainerInspectFull {
  const base = inspectRecord(engine.containers, rec);
  const { settings, mode } = networkSettings(engine, rec, base);
  // A named volume's data dir is <root>/volumes/<name>/_data: that mount is the volume, not a bind.
  const volumes = `${engine.paths.volumes}/`;
  const mounts = base.Mounts.map((m) => (!m.Source.startsWith(volumes) ? m : {
    Type: 'volume', Name: m.Source.slice(volumes.length).split('/')[0], Source: m.Source, Destination: m.Destination,
    Driver: 'local', Mode: 'z', RW: m.RW, Propagation: '',
  }));
  return {
    ...base,
    HostConfig: {
      ...base.HostConfig,
      NetworkMode: base.HostConfig.NetworkMode === 'bridge' && mode ? mode : base.HostConfig.NetworkMode,
      PortBindings: Object.fromEntries(Object.entries(settings.Ports).filter((e): e is [string, Array<{ HostIp: string; HostPort: string }>] => e[1] !== null)),
      Binds: binds(mounts),
    },
    Mounts: mounts,
    NetworkSettings: settings,
  };
}
