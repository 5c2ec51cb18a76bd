// `port`: what `berth port NAME` names (a service of the project, Compose
// form, or else a container id, name or id prefix, engine form), then the
// host addresses of its published ports from the endpoint records (random
// ports included).
import { BerthError, UsageError } from '../errors.js';
import { observeStatus } from '../container/status.js';
import { serviceContainer } from '../logs/select.js';
import { lookupPorts } from '../network/endpoints.js';
import type { Containers } from '../container/lifecycle.js';
import { pathsAt } from './state-root.js';
import { Engine } from './engine.js';

export interface PortOptions {
  root?: string;
  /** The project's name (from its file, or -p alone); undefined: engine form only. */
  project?: string;
  /** The project's services (empty without a compose file). */
  services: string[];
  /** The project was named with -p and no file was found. */
  nameOnly?: boolean;
  name: string;
  index?: number;
  /** The container port; undefined: all of them (engine form only). */
  target?: number;
  protocol: 'tcp' | 'udp';
}

export interface PortsResult {
  /** The container's name, as messages show it. */
  label: string;
  ports: ReturnType<typeof lookupPorts>;
}

function portTarget(containers: Containers, o: PortOptions): { containerId: string; label: string; service?: string } {
  const { project, services, name, index } = o;
  if (project && (services.includes(name) || index !== undefined || (services.length === 0 && o.nameOnly))) {
    try {
      const c = serviceContainer(containers.paths, project, name, index);
      return { containerId: c.record.id, label: c.record.name, service: name };
    } catch (e) {
      if (services.includes(name) || index !== undefined) throw e;
    }
  }
  try {
    const rec = containers.resolve(name);
    return { containerId: rec.id, label: rec.name };
  } catch {
    // Not a container record: the name is taken as an endpoint's container id, as the engine form always did.
    return { containerId: name, label: name };
  }
}

export function publishedPorts(o: PortOptions): PortsResult {
  const c = new Engine(pathsAt(o.root)).containers;
  const t = portTarget(c, o);
  if (t.service && o.target === undefined) throw new UsageError('port: PRIVATE_PORT is required with a service name');
  if (t.service) {
    // docker compose looks among running containers only: a stopped one has no bound ports.
    const status = observeStatus(c.pathsOf(t.containerId), t.containerId).status;
    if (status !== 'running' && status !== 'paused') throw new BerthError(`service "${o.name}" is not running (container ${t.label} is ${status})`);
  }
  return { label: t.label, ports: lookupPorts(c.paths, t.containerId, o.target, o.protocol) };
}
