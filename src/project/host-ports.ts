// Before a plan runs: every fixed host port its containers will publish must
// be free, so that a port another process holds fails `up` before anything is
// created (Docker's "bind: address already in use"), not half-way through.
// Ports that containers of this plan publish today are theirs to hand over
// (a recreate, a start of a stopped container) and are not tested.
import type { Project } from '../compose/model.js';
import { BerthError } from '../errors.js';
import { getEndpoint } from '../network/store.js';
import { collides, expandPorts, testBind } from '../network/ports.js';
import { NetworkStore } from '../network/store.js';
import type { Plan } from '../reconcile/plan.js';
import type { StatePaths } from '../state/paths.js';

interface Wanted { endpoint: string; protocol: 'tcp' | 'udp'; hostIp: string; hostPort: number }

function address(w: { protocol: string; hostIp: string; hostPort: number }): string {
  const ip = w.hostIp || '0.0.0.0';
  return `${w.protocol}${ip.includes(':') ? '6' : '4'} ${ip.includes(':') ? `[${ip}]` : ip}:${w.hostPort}`;
}

/** The fixed host ports the plan's creates and starts will publish (random ones cannot collide). */
function wantedPorts(paths: StatePaths, project: Project, plan: Plan): Wanted[] {
  const out: Wanted[] = [];
  for (const a of plan.actions) {
    if (a.kind !== 'container.create' && a.kind !== 'container.recreate' && a.kind !== 'container.start') continue;
    const recorded = a.kind === 'container.start' && a.containerId ? getEndpoint(paths, a.containerId)?.ports : undefined;
    if (recorded) {
      out.push(...recorded.map((p) => ({ endpoint: a.name, protocol: p.protocol, hostIp: p.hostIp, hostPort: p.hostPort })));
      continue;
    }
    const s = project.services[a.service];
    const mode = s?.network_mode ?? '';
    if (!s?.ports?.length || mode === 'host' || mode === 'none' || /^(service|container):/.test(mode)) continue;
    let reqs;
    try {
      reqs = expandPorts(s.ports.map((p) => ({ target: p.target, published: p.published, host_ip: p.host_ip, protocol: p.protocol, mode: p.mode })));
    } catch { continue; }  // invalid: the create reports it
    for (const r of reqs) {
      if (r.hostPorts && r.hostPorts[0] === r.hostPorts[1]) out.push({ endpoint: a.name, protocol: r.protocol, hostIp: r.hostIp, hostPort: r.hostPorts[0] });
    }
  }
  return out;
}

/** Throws a one-line BerthError for the first fixed host port of the plan that is taken. Changes nothing. */
export async function checkHostPorts(paths: StatePaths, project: Project | undefined, plan: Plan): Promise<void> {
  if (!project) return;
  const wanted = wantedPorts(paths, project, plan);
  if (!wanted.length) return;
  const mine = new Set(plan.actions.flatMap((a) => ('containerId' in a && a.containerId ? [a.containerId] : [])));
  const endpoints = new NetworkStore(paths).endpoints();
  for (const w of wanted) {
    const owner = endpoints.find((e) => e.ports.some((p) => collides(p, w)));
    if (owner && !mine.has(owner.containerId)) {
      throw new BerthError(`driver failed programming external connectivity on endpoint ${w.endpoint}: Bind for ${address(w).split(' ')[1]} failed: port is already allocated (by container ${owner.name ?? owner.containerId.slice(0, 12)})`);
    }
    if (owner) continue;  // a container of this plan holds it until it is stopped
    try {
      await testBind(w.protocol, w.hostIp, w.hostPort);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'EADDRINUSE' ? 'address already in use' : code === 'EADDRNOTAVAIL' ? 'cannot assign requested address' : code ?? String(e);
      throw new BerthError(`driver failed programming external connectivity on endpoint ${w.endpoint}: listen ${address(w)}: bind: ${why}`);
    }
  }
}
