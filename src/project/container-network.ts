// A service container's network namespace and endpoint: its own netns
// attached to the service's networks (aliases, static addresses, links,
// published ports, DNS names), the host's, none, or another container's.
import { existsSync } from 'node:fs';
import { BerthError } from '../errors.js';
import type { Project, Service } from '../compose/model.js';
import type { NetworkInput } from '../container/types.js';
import { writeEtcFiles } from '../container/etc-files.js';
import { containerPaths } from '../container/paths.js';
import { containerFiles } from '../network/container-files.js';
import { connectEndpoint, connectEndpointDeferred, disconnectEndpoint, endpointIntact } from '../network/endpoints.js';
import { getEndpoint } from '../network/store.js';
import { parseNetworkMode } from '../network/mode.js';
import { createNetns, createNetnsAsync, deleteNetns, netnsPath } from '../network/netns.js';
import type { AttachRequest, EndpointRequest } from '../network/types.js';
import type { Engine } from './engine.js';
import { LABELS } from '../compose-labels.js';

export interface ContainerNetwork {
  network: NetworkInput;
  /** The netns is this container's own (created here; removed with it). */
  ownNetns: boolean;
  /** Resolves once the DNS responder serves the container's names (rejects when that sync failed). */
  dnsLoaded?: Promise<void>;
}

function attachRequests(project: Project, s: Service): AttachRequest[] {
  return Object.entries(s.networks ?? {}).map(([key, cfg]) => {
    const net = project.networks[key];
    if (!net) throw new BerthError(`service refers to undefined network ${key}`);
    return {
      name: net.name, aliases: cfg?.aliases, ipv4_address: cfg?.ipv4_address, ipv6_address: cfg?.ipv6_address,
      priority: cfg?.priority, mac_address: cfg?.mac_address, links: s.links,
      interface_name: cfg?.interface_name as string | undefined,
    };
  });
}

function endpointRequest(project: Project, serviceName: string, s: Service, id: string, name: string, path: string): EndpointRequest {
  return {
    containerId: id, name, netnsPath: path, networks: attachRequests(project, s),
    ports: s.ports?.map((p) => ({ target: p.target, published: p.published, host_ip: p.host_ip, protocol: p.protocol, mode: p.mode })),
    expose: s.expose, dnsNames: [serviceName], dnsServers: s.dns,
  };
}

/** The netns of another container (network_mode service:/container:). */
function sharedNetns(engine: Engine, project: Project, kind: 'service' | 'container', target: string): NetworkInput {
  const recs = engine.containers.list().map((x) => x.record);
  const rec = kind === 'container'
    ? recs.find((r) => r.name === target || r.id === target || (target.length >= 12 && r.id.startsWith(target)))
    : recs.find((r) => r.labels[LABELS.project] === project.name && r.labels[LABELS.service] === target && r.labels[LABELS.oneoff] !== 'True');
  if (!rec) throw new BerthError(`network_mode ${kind}:${target}: no such ${kind === 'service' ? 'service container' : 'container'}`);
  return rec.input.network;
}

/**
 * Prepares the network for a new container; `undo` is filled with the steps
 * that reverse it. The caller awaits `dnsLoaded` before the container counts
 * as created.
 */
export async function setupNetwork(engine: Engine, project: Project, serviceName: string, s: Service, id: string, name: string, undo: Array<() => Promise<void> | void>): Promise<ContainerNetwork> {
  const mode = parseNetworkMode(s.network_mode);
  if (mode.kind === 'host') return { network: { mode: 'host' }, ownNetns: false };
  if (mode.kind === 'service' || mode.kind === 'container') return { network: sharedNetns(engine, project, mode.kind, mode.name), ownNetns: false };
  const path = await createNetnsAsync(engine.paths, id);
  undo.push(() => deleteNetns(engine.paths, id));
  if (mode.kind === 'bridge') {
    const req = endpointRequest(project, serviceName, s, id, name, path);
    if (req.networks.length || req.ports?.length) {
      undo.push(() => disconnectEndpoint(engine.paths, engine.config, id));
      const { dnsLoaded } = await connectEndpointDeferred(engine.paths, engine.config, req);
      return { network: { mode: 'netns', path }, ownNetns: true, dnsLoaded };
    }
  }
  return { network: { mode: 'netns', path }, ownNetns: true };
}

/** /etc/hosts, resolv.conf and hostname for a container with its own netns. */
export function etcFilesFor(engine: Engine, s: Service, id: string, net: ContainerNetwork) {
  if (!net.ownNetns) return undefined;
  return containerFiles(engine.paths, id, {
    hostname: s.hostname ?? id.slice(0, 12), domainname: s.domainname,
    dns: s.dns, dns_search: s.dns_search, dns_opt: s.dns_opt, extra_hosts: s.extra_hosts,
  });
}

/**
 * Before a start: a container whose own netns or endpoint went missing or
 * is not whole (a `down` killed half-way through its teardown, a crash in a
 * recreate, a reboot) is attached again: what is left of the endpoint is
 * torn down, then it is connected afresh.
 */
export async function ensureNetwork(engine: Engine, project: Project | undefined, serviceName: string, id: string, name: string, net: NetworkInput): Promise<void> {
  if (net.mode !== 'netns' || net.path !== netnsPath(engine.paths, id)) return;
  if (!existsSync(net.path)) createNetns(engine.paths, id);
  const s = project?.services[serviceName];
  if (!s) return;
  const ep = getEndpoint(engine.paths, id);
  if (ep && endpointIntact(engine.paths, ep)) return;
  if (ep) await disconnectEndpoint(engine.paths, engine.config, id);
  const req = endpointRequest(project!, serviceName, s, id, name, net.path);
  if (!req.networks.length && !req.ports?.length) return;
  await connectEndpoint(engine.paths, engine.config, req);
  // The addresses may have changed: /etc/hosts and resolv.conf follow (bind-mounted at the next start).
  const rec = engine.containers.resolve(id);
  const files = etcFilesFor(engine, s, id, { network: net, ownNetns: true });
  writeEtcFiles(containerPaths(engine.paths, id).etc, { ...rec.input, etcFiles: { ...rec.input.etcFiles, ...files } }, s.hostname ?? id.slice(0, 12));
}

/** Removes the container's endpoint and its own netns (idempotent). */
export async function teardownNetwork(engine: Engine, id: string): Promise<void> {
  await disconnectEndpoint(engine.paths, engine.config, id);
  deleteNetns(engine.paths, id);
}
