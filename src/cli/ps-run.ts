// `berth ps` output: Compose's table (NAME IMAGE COMMAND SERVICE CREATED
// STATUS PORTS) or one JSON object per line (--format json).
import { UsageError } from '../errors.js';
import type { PsRow } from '../orchestrate/ps.js';
import type { GlobalOptions } from './globals.js';
import { resolveTarget } from './project-command.js';

interface PsFlags { all?: boolean; quiet?: boolean; services?: boolean; status?: string[]; filter?: string[]; format: string; trunc?: boolean }

function ports(r: PsRow): string {
  return r.Publishers.map((p) => `${p.URL}:${p.PublishedPort}->${p.TargetPort}/${p.Protocol}`).join(', ');
}

function created(r: PsRow, now: number): string {
  const s = Math.max(0, Math.round(now / 1000 - r.Created));
  if (s < 60) return `${s} seconds ago`;
  if (s < 3600) return `${Math.round(s / 60)} minutes ago`;
  return `${Math.round(s / 3600)} hours ago`;
}

function table(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]! + 3))).join('').trimEnd()).join('\n') + '\n';
}

export async function psCommand(g: GlobalOptions, services: string[], o: PsFlags): Promise<void> {
  if (o.format !== 'table' && o.format !== 'json') throw new UsageError(`invalid --format "${o.format}": table or json`);
  const target = await resolveTarget(g, services, true);
  if (target.project) for (const s of services) if (!target.project.services[s]) throw new UsageError(`no such service: ${s}`);
  const [{ Engine }, { psRows }, { statePaths }] = await Promise.all([import('../orchestrate/engine.js'), import('../orchestrate/ps.js'), import('../state/paths.js')]);
  let rows = psRows(new Engine(statePaths(g.root)), target.name);
  const statuses = [...(o.status ?? [])];
  for (const f of o.filter ?? []) {
    const m = /^(status|service|name)=(.*)$/.exec(f);
    if (!m) throw new UsageError(`invalid --filter "${f}": status=<state>, service=<name> or name=<name>`);
    if (m[1] === 'status') statuses.push(m[2]!);
    else if (m[1] === 'service') rows = rows.filter((r) => r.Service === m[2]);
    else rows = rows.filter((r) => r.Name.includes(m[2]!));
  }
  if (services.length) rows = rows.filter((r) => services.includes(r.Service));
  if (statuses.length) rows = rows.filter((r) => statuses.includes(r.State));
  else if (!o.all) rows = rows.filter((r) => r.State === 'running' || r.State === 'paused' || r.State === 'restarting');
  if (o.services) {
    const names = [...new Set(rows.map((r) => r.Service))];
    process.stdout.write(names.map((n) => `${n}\n`).join(''));
    return;
  }
  if (o.quiet) { process.stdout.write(rows.map((r) => `${o.trunc === false ? r.ID : r.ID.slice(0, 12)}\n`).join('')); return; }
  if (o.format === 'json') {
    process.stdout.write(rows.map((r) => JSON.stringify({ ...r, Ports: ports(r), Labels: Object.entries(r.Labels).map(([k, v]) => `${k}=${v}`).join(',') }) + '\n').join(''));
    return;
  }
  const now = Date.now();
  const cmd = (c: string) => JSON.stringify(o.trunc === false || c.length <= 20 ? c : `${c.slice(0, 19)}…`);
  process.stdout.write(table([['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS'],
    ...rows.map((r) => [r.Name, r.Image, cmd(r.Command), r.Service, created(r, now), r.Status, ports(r)])]));
}
