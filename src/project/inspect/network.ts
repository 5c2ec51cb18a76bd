// `network inspect` in Docker's shape, with berth's own DNS responder state beside it.
import { listRecords } from '../../container/record.js';
import { sortedMap } from '../../container/inspect.js';
import { getEndpoint, inspectNetwork } from '../../network/index.js';
import type { StatePaths } from '../../state/paths.js';
import { endpointId } from './container.js';

export function networkInspectObject(paths: StatePaths, ref: string): Record<string, unknown> {
  const n = inspectNetwork(paths, ref);
  const names = new Map(listRecords(paths).map((r) => [r.id, r.name]));
  const containers: Array<[string, unknown]> = [];
  for (const id of n.containers) {
    const a = getEndpoint(paths, id)?.attachments.find((x) => x.networkId === n.id);
    if (!a) continue;
    containers.push([id, {
      Name: names.get(id) ?? id.slice(0, 12), EndpointID: endpointId(id, n.id), MacAddress: a.mac ?? '',
      IPv4Address: a.ipv4 ? `${a.ipv4}/${a.prefix4 ?? 32}` : '', IPv6Address: a.ipv6 ? `${a.ipv6}/${a.prefix6 ?? 128}` : '',
    }]);
  }
  return {
    Name: n.name, Id: n.id, Created: n.created, Scope: n.cluster ? 'swarm' : 'local', Driver: n.driver, EnableIPv6: n.enableIpv6,
    IPAM: {
      Driver: 'default', Options: null,
      Config: n.subnets.map((s) => ({ Subnet: s.subnet, Gateway: s.gateway, ...(s.ipRange ? { IPRange: s.ipRange } : {}), ...(s.auxAddresses ? { AuxiliaryAddresses: s.auxAddresses } : {}) })),
    },
    Internal: n.internal, Attachable: n.attachable, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false,
    Containers: sortedMap(containers),
    Options: sortedMap(Object.entries({ ...n.options, 'com.docker.network.bridge.name': n.bridge, 'com.docker.network.driver.mtu': String(n.mtu) })),
    Labels: sortedMap(Object.entries(n.labels)),
    // berth's own: the DNS responder serving this network.
    DNS: n.dns,
  };
}
