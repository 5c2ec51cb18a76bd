// `berth ls`: the projects on this root, filtered and printed.
import { parseFilters } from '../../project/filters.js';
import { listProjects, type ProjectSummary } from '../../project/ls.js';
import type { LsFlags } from '../commands/ls.js';
import type { GlobalOptions } from '../globals.js';
import { table } from './table.js';
import { writeOut } from '../output.js';

export { combinedStatus } from '../../project/ls.js';

function filterOf(list: string[] | undefined): (p: ProjectSummary) => boolean {
  const names = parseFilters(list, ['name']).map((f) => f.value);
  return (p) => names.length === 0 || names.some((n) => p.Name.includes(n));
}

export function runLs(g: GlobalOptions, o: LsFlags): void {
  const keep = filterOf(o.filter);
  const projects = listProjects(g.root, !!o.all).filter(keep);
  if (o.quiet) return void writeOut(projects.map((p) => `${p.Name}\n`).join(''));
  if (o.format === 'json') return void writeOut(JSON.stringify(projects) + '\n');
  writeOut(table(['NAME', 'STATUS', 'CONFIG FILES'], projects.map((p) => [p.Name, p.Status, p.ConfigFiles])));
}
