// The subset of Go templates that `docker compose ps --format` users write:
// `{{.Field}}`, `{{.Label "key"}}`, `{{json .Field}}`, `{{json .}}`,
// `{{upper .Field}}`, `{{lower .Field}}`, literal text with `\t` and `\n`,
// and a leading `table ` for a header row and aligned columns (docker's
// tabwriter: cells at least 10 wide, 3 spaces of padding).
import { UsageError } from '../../errors.js';

/** What a template can read of one row: a field (with its header), or `.` itself for json. */
interface TemplateRow {
  field(name: string, args: string[]): unknown;
  self(): unknown;
}

type Arg = { kind: 'dot' } | { kind: 'field'; name: string; args: string[] };
type Part = string | { fn?: 'json' | 'upper' | 'lower'; arg: Arg };

export interface GoTemplate {
  table: boolean;
  render(row: TemplateRow): string;
  header(headers: (field: string) => string): string;
}

/** True when `format` is a template rather than one of the named formats. */
export const isTemplate = (format: string): boolean => format.includes('{{');

function words(action: string, format: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(action); m; m = re.exec(action)) out.push(m[1] !== undefined ? JSON.parse(`"${m[1]}"`) as string : m[2]!);
  if (out.length === 0) throw new UsageError(`invalid --format "${format}": empty {{ }}`);
  return out;
}

function parseArg(ws: string[], format: string): Arg {
  const [first, ...rest] = ws;
  if (first === '.' && rest.length === 0) return { kind: 'dot' };
  if (!first || !/^\.[A-Za-z_][A-Za-z0-9_]*$/.test(first)) throw new UsageError(`invalid --format "${format}": cannot read "${ws.join(' ')}" (use {{.Field}})`);
  return { kind: 'field', name: first.slice(1), args: rest };
}

export function parseGoTemplate(format: string): GoTemplate {
  const table = /^table(\s|$)/.test(format);
  const body = (table ? format.slice(5) : format).trim().replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const parts: Part[] = [];
  let i = 0;
  while (i < body.length) {
    const open = body.indexOf('{{', i);
    if (open < 0) { parts.push(body.slice(i)); break; }
    if (open > i) parts.push(body.slice(i, open));
    const close = body.indexOf('}}', open + 2);
    if (close < 0) throw new UsageError(`invalid --format "${format}": unclosed "{{"`);
    const ws = words(body.slice(open + 2, close).replace(/^-\s|\s-$/g, ''), format);
    if (ws[0] === 'json' || ws[0] === 'upper' || ws[0] === 'lower') parts.push({ fn: ws[0], arg: parseArg(ws.slice(1), format) });
    else parts.push({ arg: parseArg(ws, format) });
    i = close + 2;
  }
  const value = (p: Exclude<Part, string>, row: TemplateRow): string => {
    const v = p.arg.kind === 'dot' ? row.self() : row.field(p.arg.name, p.arg.args);
    if (p.fn === 'json') return JSON.stringify(v ?? null);
    const s = goString(v);
    return p.fn === 'upper' ? s.toUpperCase() : p.fn === 'lower' ? s.toLowerCase() : s;
  };
  return {
    table,
    render: (row) => parts.map((p) => (typeof p === 'string' ? p : value(p, row))).join(''),
    header: (h) => parts.map((p) => (typeof p === 'string' ? p : p.arg.kind === 'dot' ? '' : h(p.arg.name))).join(''),
  };
}

/** How Go's fmt prints a value with %v: slices as [a b], maps as map[k:v], structs as {a b}. */
export function goString(v: unknown): string {
  if (v === null || v === undefined) return '<no value>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'object') return `{${Object.values(v as object).map(goString).join(' ')}}`;
  return String(v);
}

/** Lines of tab-separated cells aligned as docker's tabwriter does (min width 10, padding 3). */
export function alignTabs(lines: string[]): string {
  const cells = lines.map((l) => l.split('\t'));
  const widths: number[] = [];
  for (const row of cells) row.slice(0, -1).forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length + 3, 10); });
  return cells.map((row) => row.map((c, i) => (i < row.length - 1 ? c.padEnd(widths[i]!) : c)).join('').trimEnd()).join('\n') + '\n';
}
