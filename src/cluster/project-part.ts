// A node's part of a cluster project, worked out from the desired project,
// its placement and the container rows every node publishes (pure: data in,
// data out). The part is the project with only the services placed on the
// node; a dependency on a service of another node is not the local
// reconciler's to wait for, so it is taken out of depends_on, and the
// service is held back until the other node's rows satisfy the condition.
import type { DependsOn, Project } from '../compose/model.js';

/** One container of a cluster project as its node publishes it (and `ps` prints it, with NODE). */
export interface ClusterRow {
  ID: string;
  Name: string;
  Image: string;
  Command: string;
  Project: string;
  Service: string;
  Number: number;
  Created: number;
  State: string;
  Health: string;
  ExitCode: number;
  Publishers: Array<{ URL: string; TargetPort: number; PublishedPort: number; Protocol: string }>;
  Labels: Record<string, string>;
  /** When it started (running) or finished (exited, restarting): the STATUS column is worked out from it when read. */
  StartedAt?: string;
  FinishedAt?: string;
  Node: string;
}

/** The desired project as written to etcd by `up`. */
export interface ClusterProject {
  name: string;
  project: Project;
  /** Service → node. */
  placement: Record<string, string>;
  /** Set by `down`: every node withdraws its part. */
  removing?: { volumes: boolean };
  updated: string;
}

/** The services placed on `node`, as a project of their own (remote dependencies taken out). */
export function partFor(p: ClusterProject, node: string): Project {
  const mine = Object.keys(p.project.services).filter((s) => p.placement[s] === node);
  const services: Project['services'] = {};
  for (const name of mine) {
    const svc = { ...p.project.services[name]! };
    if (svc.depends_on) {
      const local = Object.entries(svc.depends_on).filter(([d]) => p.placement[d] === node);
      if (local.length) svc.depends_on = Object.fromEntries(local);
      else delete svc.depends_on;
    }
    services[name] = svc;
  }
  return { ...p.project, services };
}

/** Whether the rows of `service` (on any node) meet a depends_on condition. */
export function conditionMet(rows: ClusterRow[], service: string, dep: DependsOn): boolean {
  const mine = rows.filter((r) => r.Service === service);
  if (!mine.length) return false;
  switch (dep.condition) {
    case 'service_healthy': return mine.every((r) => r.State === 'running' && r.Health === 'healthy');
    case 'service_completed_successfully': return mine.every((r) => r.State === 'exited' && r.ExitCode === 0);
    default: return mine.every((r) => r.State === 'running' || r.State === 'exited' || r.State === 'restarting');
  }
}

/**
 * The services of `node` that may start now: each of their dependencies on
 * other nodes is met (by the published rows), and so are those of the local
 * services they depend on. The rest wait for the other nodes.
 */
export function readyServices(p: ClusterProject, node: string, rows: ClusterRow[]): { ready: string[]; waiting: Map<string, string[]> } {
  const memo = new Map<string, string[]>();
  const blockers = (name: string, seen: Set<string>): string[] => {
    if (memo.has(name)) return memo.get(name)!;
    if (seen.has(name)) return [];
    seen.add(name);
    const out: string[] = [];
    for (const [dep, cond] of Object.entries(p.project.services[name]?.depends_on ?? {})) {
      const where = p.placement[dep];
      if (where === undefined) continue;   // not part of the project (disabled, optional)
      if (where === node) out.push(...blockers(dep, seen));
      else if (!conditionMet(rows, dep, cond)) out.push(`${dep} (${cond.condition} on node ${where})`);
    }
    memo.set(name, [...new Set(out)]);
    return memo.get(name)!;
  };
  const ready: string[] = [];
  const waiting = new Map<string, string[]>();
  for (const name of Object.keys(p.project.services).filter((s) => p.placement[s] === node).sort()) {
    const b = blockers(name, new Set());
    if (b.length) waiting.set(name, b);
    else ready.push(name);
  }
  return { ready, waiting };
}
