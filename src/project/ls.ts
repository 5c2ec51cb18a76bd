// `ls`: projects are found from the labels of the containers on this root
// (as Compose finds them from the engine's containers).
import { compareText } from '../text-order.js';
import { LABELS } from '../reconcile/desired.js';
import { pathsAt } from './state-root.js';
import { Engine } from './engine.js';

export interface ProjectSummary {
  Name: string;
  Status: string;
  ConfigFiles: string;
}

/** Compose's combined status: "exited(1), running(2)", states in name order. */
export function combinedStatus(states: string[]): string {
  const n = new Map<string, number>();
  for (const s of states) n.set(s, (n.get(s) ?? 0) + 1);
  return [...n.keys()].sort().map((k) => `${k}(${n.get(k)})`).join(', ');
}

export function listProjects(root: string | undefined, all: boolean): ProjectSummary[] {
  const c = new Engine(pathsAt(root)).containers;
  const byProject = new Map<string, { states: string[]; files: Set<string> }>();
  for (const { record, observed } of c.list()) {
    const name = record.labels[LABELS.project];
    if (!name) continue;
    if (!all && observed.status !== 'running') continue;
    const p = byProject.get(name) ?? { states: [], files: new Set<string>() };
    p.states.push(observed.status);
    const files = record.labels[LABELS.configFiles];
    if (files) for (const f of files.split(',')) if (f) p.files.add(f);
    byProject.set(name, p);
  }
  return [...byProject.entries()].sort(([a], [b]) => compareText(a, b))
    .map(([Name, p]) => ({ Name, Status: combinedStatus(p.states), ConfigFiles: [...p.files].join(',') }));
}

