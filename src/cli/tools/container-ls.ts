// `container ls` (docker's `ps`): every container of the state root,
// Compose's included, in docker's columns, JSON lines or a Go template.
import { labelMatches, parseFilters } from '../../project/filters.js';
import type { PsRow } from '../../project/ps.js';
import type { LsFlags } from '../commands/container.js';
import type { GlobalOptions } from '../globals.js';
import { commandText, created, goTime, labels, ports, psTemplate } from '../ps-run.js';
import { alignTabs } from './go-template.js';
import { parseCount } from './flags.js';
import { table } from './table.js';
import { writeOut } from '../output.js';

/** The fields a --format template may use, with the headers `table` prints for them (docker's container context). */
const HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS',
  State: 'STATE', Status: 'STATUS', Names: 'NAMES', Labels: 'LABELS', Label: 'LABEL',
};

/** docker's ps filters: id=, name=, label=k[=v], status=, exited=, ancestor=; several values of one key are alternatives. */
export function filterRows(rows: PsRow[], filters: string[]): PsRow[] {
  const byKey = new Map<string, string[]>();
  for (const { key, value } of parseFilters(filters, ['id', 'name', 'label', 'status', 'exited', 'ancestor'])) {
    byKey.set(key, [...(byKey.get(key) ?? []), value]);
  }
  const test = (key: string, v: string, r: PsRow): boolean => {
    switch (key) {
      case 'id': return r.ID.startsWith(v);
      case 'name': return r.Name.includes(v);
      case 'status': return r.State === v;
      case 'exited': return r.State === 'exited' && String(r.ExitCode) === v;
      case 'ancestor': return r.Image === v || r.Image === `${v}:latest`;
      default: return labelMatches(r.Labels, v);
    }
  };
  // Labels must all match; the values of another key are alternatives (as docker reads them).
  return rows.filter((r) => [...byKey].every(([k, vs]) => (k === 'label' ? vs.every((v) => test(k, v, r)) : vs.some((v) => test(k, v, r)))));
}

export async function runContainerLs(g: GlobalOptions, o: LsFlags): Promise<void> {
  const template = o.format === 'table' || o.format === 'json' ? undefined : psTemplate(o.format, HEADERS);
  const { listContainers, engineAt } = await import('../../project/container/index.js');
  let rows = filterRows(await listContainers(engineAt(g.root)), o.filter ?? []);
  const last = o.latest ? 1 : o.last !== undefined ? parseCount('--last', o.last) : undefined;
  const everything = o.all || last !== undefined || (o.filter ?? []).some((f) => /^(status|exited)=/.test(f));
  if (!everything) rows = rows.filter((r) => r.State === 'running' || r.State === 'paused' || r.State === 'restarting');
  if (last !== undefined) rows = rows.slice(0, last);
  const id = (r: PsRow) => (o.trunc ? r.ID.slice(0, 12) : r.ID);
  if (o.quiet) return void writeOut(rows.map((r) => `${id(r)}\n`).join(''));
  const now = Date.now();
  // What `.` is in a template: docker's container context; `{{json .}}` prints the JSON row.
  const context = (r: PsRow) => ({
    ID: id(r), Image: r.Image, Command: commandText(r.Command, o.trunc), CreatedAt: goTime(r.Created),
    RunningFor: created(r, now), Ports: ports(r), State: r.State, Status: r.Status, Names: r.Name,
    Labels: labels(r), Label: (k: string) => r.Labels[k] ?? '',
  });
  const jsonRow = (r: PsRow) => { const { Label: _label, ...row } = context(r); return row; };
  if (o.format === 'json') return void writeOut(rows.map((r) => `${JSON.stringify(jsonRow(r))}\n`).join(''));
  if (template) {
    const out = rows.map((r) => template.render({ ...context(r), toJSON: () => jsonRow(r) }));
    if (!template.table) return void writeOut(out.map((l) => `${l}\n`).join(''));
    return void writeOut(alignTabs([template.header((n) => HEADERS[n]!), ...out]));
  }
  writeOut(table(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'],
    rows.map((r) => [id(r), r.Image, commandText(r.Command, o.trunc), created(r, now), r.Status, ports(r), r.Name])));
}
