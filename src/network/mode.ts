// Compose `network_mode`, parsed for the orchestrator: which namespace a
// container gets. bridge (default): its own netns attached to its networks;
// host: the host's; none: its own with only lo; service:<s>/container:<c>:
// join that container's netns (it must be created first).
import { BerthError } from '../errors.js';

export type NetworkMode =
  | { kind: 'bridge' }
  | { kind: 'host' }
  | { kind: 'none' }
  | { kind: 'service'; name: string }
  | { kind: 'container'; name: string };

export function parseNetworkMode(mode: string | undefined): NetworkMode {
  if (mode === undefined || mode === '' || mode === 'bridge' || mode === 'default') return { kind: 'bridge' };
  if (mode === 'host' || mode === 'none') return { kind: mode };
  const m = /^(service|container):(.+)$/.exec(mode);
  if (m && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(m[2]!)) return { kind: m[1] as 'service' | 'container', name: m[2]! };
  throw new BerthError(`invalid network_mode '${mode}' (bridge, host, none, service:<name> or container:<name>)`);
}

/** Whether containers with this mode are attached to networks (and may publish ports). */
export function attachesNetworks(m: NetworkMode): boolean {
  return m.kind === 'bridge';
}
