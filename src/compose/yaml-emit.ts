// A small YAML emitter for plain data (what `berth config` prints). Block
// style with 2-space indentation and indented sequences, as docker compose
// prints; strings are left plain unless a YAML 1.1 or 1.2 reader could take
// them for something else, then JSON-quoted (a valid YAML double-quoted
// scalar). Much faster than building a yaml Document for a large project.

const NON_STRING = new RegExp([
  '^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|=|<<)$',
  '^[-+]?(\\.\\d+|\\d[\\d_]*(\\.[\\d_]*)?)([eE][-+]?\\d+)?$',
  '^[-+]?0x[0-9a-fA-F_]+$',
  '^[-+]?0o?[0-7_]+$',
  '^[-+]?0b[01_]+$',
  '^[-+]?\\.(inf|Inf|INF)$',
  '^\\.(nan|NaN|NAN)$',
  '^[-+]?\\d[\\d_]*(:[0-5]?\\d)+(\\.[\\d_]*)?$',
  '^\\d{4}-\\d\\d?-\\d\\d?',
].join('|'));

export function plainOk(s: string): boolean {
  if (s === '' || /^\s|\s$/.test(s)) return false;
  if (/[\x00-\x1f\x7f\u0085\u2028\u2029\ufeff]/.test(s)) return false;
  if (/^[,[\]{}#&*!|>'"%@`]/.test(s) || /^[-?:](\s|$)/.test(s)) return false;
  if (/: |:$| #/.test(s)) return false;
  return !NON_STRING.test(s);
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return plainOk(v) ? v : JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? '.inf' : v < 0 ? '-.inf' : '.nan';
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[]';
  if (typeof v === 'object') return '{}';
  return JSON.stringify(String(v));
}

function nonEmpty(v: unknown): 'map' | 'seq' | undefined {
  if (Array.isArray(v)) return v.length ? 'seq' : undefined;
  if (v && typeof v === 'object' && Object.keys(v).length) return 'map';
  return undefined;
}

function mapLines(o: Record<string, unknown>, ind: number, out: string[]): void {
  const sp = ' '.repeat(ind);
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v === undefined) continue;
    const key = scalar(k);
    const kind = nonEmpty(v);
    if (kind === 'map') { out.push(`${sp}${key}:`); mapLines(v as Record<string, unknown>, ind + 2, out); }
    else if (kind === 'seq') { out.push(`${sp}${key}:`); seqLines(v as unknown[], ind + 2, out); }
    else out.push(`${sp}${key}: ${scalar(v)}`);
  }
}

function seqLines(a: unknown[], ind: number, out: string[]): void {
  const sp = ' '.repeat(ind);
  for (const item of a) {
    const kind = nonEmpty(item);
    if (!kind) { out.push(`${sp}- ${scalar(item)}`); continue; }
    const sub: string[] = [];
    if (kind === 'map') mapLines(item as Record<string, unknown>, ind + 2, sub);
    else seqLines(item as unknown[], ind + 2, sub);
    sub[0] = `${sp}- ${sub[0]!.slice(ind + 2)}`;
    for (const l of sub) out.push(l);
  }
}

/** Plain data → YAML text (ends with a newline). */
export function emitYaml(v: unknown): string {
  const kind = nonEmpty(v);
  const out: string[] = [];
  if (kind === 'map') mapLines(v as Record<string, unknown>, 0, out);
  else if (kind === 'seq') seqLines(v as unknown[], 0, out);
  else out.push(scalar(v));
  return out.join('\n') + '\n';
}
