// `berth ls`: projects are found from the labels of the containers on this
// root (as Compose finds them from the engine's containers).
import { compareText } from '../../text-order.js';
import { UsageError } from '../../errors.js';
import { Containers } from '../../container/index.js';
import { LABELS } from '../../reconcile/desired.js';
import { statePaths } from '../../state/paths.js';
import type { LsFlags } from '../commands/ls.js';
import type { GlobalOptions } from '../globals.js';
import { table } from './table.js';

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
  const c = new Containers(statePaths(root));
  const byProject = new Map<string, { states: string[]; files: Set<string> }>();
  for (const { record, observed } of c.list()) {
    const name = record.labels[LABELS.project];
    if (!name) continue;
    if (!all && observed.status !== 'running') continue;
    const p = byProject.get(name) ?? { states: [], files: new Set<string>() };
    p.states.push(observed.status);
    const files = record.labels['com.docker.compose.project.config_files'];
    if (files) for (const f of files.split(',')) if (f) p.files.add(f);
    byProject.set(name, p);
  }
  return [...byProject.entries()].sort(([a], [b]) => compareText(a, b))
    .map(([Name, p]) => ({ Name, Status: combinedStatus(p.states), ConfigFiles: [...p.files].join(',') }));
}

function filterOf(list: string[] | undefined): (p: ProjectSummary) => boolean {
  const names: string[] = [];
  for (const f of list ?? []) {
    const m = /^name=(.*)$/.exec(f);
    if (!m) throw new UsageError(`invalid filter "${f}": only name=<text> is supported`);
    names.push(m[1]!);
  }
  return (p) => names.length === 0 || names.some((n) => p.Name.includes(n));
}

export function runLs(g: GlobalOptions, o: LsFlags): void {
  const keep = filterOf(o.filter);
  const projects = listProjects(g.root, !!o.all).filter(keep);
  if (o.quiet) return void process.stdout.write(projects.map((p) => `${p.Name}\n`).join(''));
  if (o.format === 'json') return void process.stdout.write(JSON.stringify(projects) + '\n');
  process.stdout.write(table(['NAME', 'STATUS', 'CONFIG FILES'], projects.map((p) => [p.Name, p.Status, p.ConfigFiles])));
}
