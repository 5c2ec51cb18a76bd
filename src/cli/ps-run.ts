// `berth ps` output: Compose's table (NAME IMAGE COMMAND SERVICE CREATED
// STATUS PORTS) or one JSON object per line (--format json).
import { UsageError } from '../errors.js';
import { alignTabs, isTemplate, parseGoTemplate } from './tools/go-template.js';
import { humanDuration, type PsRow } from '../project/ps.js';
import { parseFilters } from '../project/filters.js';
import type { GlobalOptions } from './globals.js';
import { table } from './tools/table.js';
import { resolveTarget } from './project-command.js';
import { writeErr, writeOut } from './output.js';

interface PsFlags { all?: boolean; quiet?: boolean; services?: boolean; status?: string[]; filter?: string[]; format: string; trunc?: boolean }

export function ports(r: PsRow): string {
  // An exposed port nobody publishes reads "80/tcp", as in docker's PORTS column.
  return r.Publishers.map((p) => (p.PublishedPort ? `${p.URL}:${p.PublishedPort}->${p.TargetPort}/${p.Protocol}` : `${p.TargetPort}/${p.Protocol}`)).join(', ');
}

export function labels(r: PsRow): string {
  return Object.entries(r.Labels).map(([k, v]) => `${k}=${v}`).join(',');
}

/** Go's time.Time String() in UTC, as docker prints CreatedAt. */
export function goTime(unix: number): string {
  return `${new Date(unix * 1000).toISOString().replace('T', ' ').slice(0, 19)} +0000 UTC`;
}

/** The fields a --format template may use, with the headers `table` prints for them (compose's container context). */
const PS_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID', Name: 'NAME', Names: 'NAMES', Project: 'PROJECT', Service: 'SERVICE', Image: 'IMAGE', Command: 'COMMAND',
  CreatedAt: 'CREATED AT', RunningFor: 'CREATED', State: 'STATE', Status: 'STATUS', Health: 'HEALTH', ExitCode: 'EXIT CODE',
  Publishers: 'PUBLISHERS', Ports: 'PORTS', Labels: 'LABELS', Label: 'LABEL', Node: 'NODE',
};

/** A --format template, its fields (those of `headers`) checked before anything is listed. */
export function psTemplate(format: string, headers: Record<string, string> = PS_HEADERS) {
  if (!isTemplate(format)) throw new UsageError(`invalid --format "${format}": table, json or a Go template such as "{{.Name}}\\t{{.Status}}"`);
  const t = parseGoTemplate(format);
  t.header((n) => {
    if (!Object.hasOwn(headers, n)) throw new UsageError(`invalid --format "${format}": no field ${n} (fields: ${Object.keys(headers).join(', ')})`);
    return '';
  });
  return t;
}

/** The COMMAND column: quoted, cut to 20 characters unless --no-trunc. */
export function commandText(c: string, trunc: boolean): string {
  return JSON.stringify(!trunc || c.length <= 20 ? c : `${c.slice(0, 19)}…`);
}

/** The CREATED column: docker's HumanDuration of the container's age, then "ago". */
export function created(r: PsRow, now: number): string {
  return `${humanDuration(Math.max(0, now - r.Created * 1000))} ago`;
}


export async function psCommand(g: GlobalOptions, services: string[], o: PsFlags): Promise<void> {
  const template = o.format === 'table' || o.format === 'json' ? undefined : psTemplate(o.format);
  const target = await resolveTarget(g, services, true);
  if (target.project) for (const s of services) if (!target.project.services[s]) throw new UsageError(`no such service: ${s}`);
  const [{ engineAt }, { psRows, dnsDownWarning }, { clusterHolding, clusterPs }] = await Promise.all([
    import('../project/engine.js'), import('../project/ps.js'), import('../project/cluster.js'),
  ]);
  const engine = engineAt(g.root);
  // A cluster project: every node's containers, as the nodes published them, with their NODE.
  const cluster = await clusterHolding(g.root, target.name, target.project);
  let rows: Array<PsRow & { Node?: string }> = cluster ? await clusterPs(cluster, target.name) : psRows(engine, target.name);
  const dnsDown = dnsDownWarning(engine, target.name);
  if (dnsDown) writeErr(`warning: ${dnsDown}\n`);
  const statuses = [...(o.status ?? [])];
  for (const { key, value } of parseFilters(o.filter, ['name', 'service', 'status'])) {
    if (key === 'status') statuses.push(value);
    else if (key === 'service') rows = rows.filter((r) => r.Service === value);
    else rows = rows.filter((r) => r.Name.includes(value));
  }
  if (services.length) rows = rows.filter((r) => services.includes(r.Service));
  if (statuses.length) rows = rows.filter((r) => statuses.includes(r.State));
  else if (!o.all) rows = rows.filter((r) => r.State === 'running' || r.State === 'paused' || r.State === 'restarting');
  if (o.services) {
    const names = [...new Set(rows.map((r) => r.Service))];
    writeOut(names.map((n) => `${n}\n`).join(''));
    return;
  }
  if (o.quiet) { writeOut(rows.map((r) => `${o.trunc === false ? r.ID : r.ID.slice(0, 12)}\n`).join('')); return; }
  const jsonRow = (r: PsRow & { Node?: string }) => ({ ...r, Ports: ports(r), Labels: labels(r) });
  if (o.format === 'json') {
    writeOut(rows.map((r) => JSON.stringify(jsonRow(r)) + '\n').join(''));
    return;
  }
  const now = Date.now();
  const cmd = (c: string) => commandText(c, o.trunc !== false);
  if (template) {
    // What `.` is in a template: compose's container context; `{{json .}}` prints the JSON row.
    const context = (r: PsRow & { Node?: string }) => ({
      ID: o.trunc === false ? r.ID : r.ID.slice(0, 12), Name: r.Name, Names: r.Name, Project: r.Project,
      Service: r.Service, Image: r.Image, Command: cmd(r.Command), CreatedAt: goTime(r.Created),
      RunningFor: created(r, now), State: r.State, Status: r.Status, Health: r.Health, ExitCode: r.ExitCode,
      Publishers: r.Publishers, Ports: ports(r), Labels: labels(r), Label: (k: string) => r.Labels[k] ?? '', Node: r.Node ?? '',
      toJSON: () => jsonRow(r),
    });
    const out = rows.map((r) => template.render(context(r)));
    if (!template.table) return void writeOut(out.map((l) => `${l}\n`).join(''));
    writeOut(alignTabs([template.header((n) => PS_HEADERS[n]!), ...out]));
    return;
  }
  const node = cluster ? ['NODE'] : [];
  writeOut(table(['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS', ...node],
    rows.map((r) => [r.Name, r.Image, cmd(r.Command), r.Service, created(r, now), r.Status, ports(r), ...(cluster ? [r.Node ?? ''] : [])])));
}
