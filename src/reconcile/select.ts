// Which services a command acts on: the ones named (or every enabled one),
// plus their dependencies unless --no-deps. A dependency that is undefined or
// disabled by its profiles is an error, or a warning when `required: false`.
import { compareText } from '../text-order.js';
import { BerthError } from '../errors.js';
import type { DesiredProject, DesiredService } from './desired.js';
import { ServiceGraph } from './graph.js';
import type { PlanBuilder } from './plan.js';

export interface Selection {
  graph: ServiceGraph;
  byName: Map<string, DesiredService>;
  /** The services named (or every enabled one when none was). */
  selected: Set<string>;
  /** selected + dependencies, in dependency order. */
  order: string[];
}

export function serviceGraph(desired: DesiredProject): ServiceGraph {
  const g = new ServiceGraph(desired.services.map((s) => ({ name: s.name, deps: Object.keys(s.dependsOn) })));
  g.assertAcyclic();
  return g;
}

/** Throws `no such service: x` for a name the project does not define. */
export function checkNames(desired: DesiredProject, names: string[]): void {
  for (const n of names) {
    if (!desired.services.some((s) => s.name === n)) throw new BerthError(`no such service: ${n}`);
  }
}

export function selectServices(desired: DesiredProject, services: string[] | undefined, withDeps: boolean, b: PlanBuilder): Selection {
  const graph = serviceGraph(desired);
  const byName = new Map(desired.services.map((s) => [s.name, s]));
  const named = services ?? [];
  checkNames(desired, named);
  const selected = new Set(named.length ? named : desired.services.filter((s) => s.enabled).map((s) => s.name));
  const targets = new Set<string>();
  const visit = (name: string): void => {
    if (targets.has(name)) return;
    targets.add(name);
    if (!withDeps) return;
    const svc = byName.get(name)!;
    for (const [dep, cfg] of Object.entries(svc.dependsOn).sort(([a], [c]) => compareText(a, c))) {
      const d = byName.get(dep);
      let problem: string | undefined;
      if (!d) problem = `service "${name}" depends on undefined service "${dep}"`;
      else if (!d.enabled && !selected.has(dep)) {
        const profiles = d.profiles.length ? ` (profiles: ${d.profiles.join(', ')})` : '';
        problem = `service "${name}" depends on service "${dep}", which is not enabled${profiles}; enable it with --profile`;
      }
      if (problem) {
        if (cfg.required) throw new BerthError(problem);
        b.warn(`${problem}; skipped because the dependency is not required`);
        continue;
      }
      visit(dep);
    }
  };
  for (const s of [...selected].sort()) visit(s);
  return { graph, byName, selected, order: graph.order(targets) };
}
