// The commands on a cluster project (see src/project/cluster.ts for the rule):
// `up` places and waits for every node, `down` waits for every node to
// withdraw, `ps` lists every node's containers with a NODE column.
import type { Project } from '../compose/model.js';
import { UsageError } from '../errors.js';
import type { Membership } from '../project/cluster.js';
import type { GlobalOptions } from './globals.js';
import type { UpFlags } from './up-options.js';
import { writeErr } from './output.js';

const say = (s: string) => writeErr(`${s}\n`);

/** Flags of a single-host `up` that have no meaning (yet) for a project spread over nodes. */
const SINGLE_HOST_ONLY: Array<[keyof UpFlags, string, (v: unknown) => boolean]> = [
  ['build', '--build', (v) => v === true], ['forceRecreate', '--force-recreate', Boolean], ['recreate', '--no-recreate', (v) => v === false],
  ['deps', '--no-deps', (v) => v === false], ['scale', '--scale', Boolean], ['start', '--no-start', (v) => v === false],
  ['abortOnContainerExit', '--abort-on-container-exit', Boolean], ['exitCodeFrom', '--exit-code-from', Boolean], ['watch', '--watch', Boolean],
  ['renewAnonVolumes', '--renew-anon-volumes', Boolean], ['alwaysRecreateDeps', '--always-recreate-deps', Boolean], ['attach', '--attach', Boolean],
];

const DEFAULT_WAIT_S = 180;

export async function clusterUpCommand(g: GlobalOptions, m: Membership, project: Project, services: string[], o: UpFlags): Promise<number> {
  if (services.length) throw new UsageError(`project ${project.name} is a cluster project: up converges all of its services (no service arguments)`);
  for (const [key, flag, set] of SINGLE_HOST_ONLY) if (set(o[key])) throw new UsageError(`${flag} is not supported for a cluster project`);
  const { clusterUp } = await import('../project/cluster.js');
  const wait = o.waitTimeout !== undefined ? Number(o.waitTimeout) : DEFAULT_WAIT_S;
  if (!Number.isFinite(wait) || wait <= 0) throw new UsageError(`invalid --wait-timeout "${o.waitTimeout}"`);
  if (g.dryRun) throw new UsageError('--dry-run is not supported for a cluster project');
  const p = await clusterUp(m, project, {
    root: g.root, timeoutMs: wait * 1000, healthy: !!o.wait,
    onPlaced: (service, node) => say(`service ${service} placed on node ${node}`),
  });
  say(`project ${p.name} up on node${new Set(Object.values(p.placement)).size > 1 ? 's' : ''} ${[...new Set(Object.values(p.placement))].sort().join(', ')}`);
  return 0;
}

export async function clusterDownCommand(m: Membership, name: string, services: string[], o: { volumes?: boolean; rmi?: string }): Promise<void> {
  if (services.length) throw new UsageError(`project ${name} is a cluster project: down removes all of its services (no service arguments)`);
  if (o.rmi) throw new UsageError('--rmi is not supported for a cluster project');
  const { clusterDown } = await import('../project/cluster.js');
  const nodes = await clusterDown(m, name, { volumes: !!o.volumes, timeoutMs: DEFAULT_WAIT_S * 1000 });
  say(`project ${name} removed from node${nodes.length > 1 ? 's' : ''} ${nodes.join(', ')}`);
}
