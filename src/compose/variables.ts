// The variables a Compose model uses (`config --variables`), as compose-go's
// template.ExtractVariables reports them: each name with its default
// (${V:-d}, ${V-d}), its alternate value (${V:+a}, ${V+a}) and whether it is
// required (${V:?e}, ${V?e}); variables nested in those operands count too.
// The model is the uninterpolated one: string values only, keys are never read.
import { isObj } from './source.js';

export interface Variable {
  name: string;
  defaultValue: string;
  presenceValue: string;
  required: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

function closing(s: string, from: number): number {
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    if (s[i] === '$' && (s[i + 1] === '$' || s[i + 1] === '{')) { if (s[i + 1] === '{') depth++; i++; continue; }
    if (s[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** A later use of a name makes it required if any use is; the first default and alternate value stay. */
function combine(m: Map<string, Variable>, v: Variable): void {
  const had = m.get(v.name);
  if (!had) { m.set(v.name, v); return; }
  had.required ||= v.required;
  if (had.defaultValue === '') had.defaultValue = v.defaultValue;
  if (had.presenceValue === '') had.presenceValue = v.presenceValue;
}

/** Operands nested deeper than this are not read (hostile input: each level rescans its text). */
const MAX_DEPTH = 32;

function scan(s: string, m: Map<string, Variable>, depth = 0): void {
  for (let i = s.indexOf('$'); i >= 0 && i < s.length; i = s.indexOf('$', i)) {
    const next = s[i + 1];
    if (next === '$') { i += 2; continue; }
    if (next !== '{') {
      const name = NAME.exec(s.slice(i + 1))?.[0];
      if (name) combine(m, { name, defaultValue: '', presenceValue: '', required: false });
      i += 1 + (name?.length ?? 0);
      continue;
    }
    const end = closing(s, i + 2);
    if (end < 0) return;
    const expr = s.slice(i + 2, end);
    const name = NAME.exec(expr)?.[0];
    i = end + 1;
    if (!name) continue;
    const rest = expr.slice(name.length);
    const op = /^:?[-+?]/.exec(rest)?.[0] ?? '';
    const arg = rest.slice(op.length);
    const kind = op.replace(':', '');
    combine(m, {
      name,
      defaultValue: kind === '-' ? arg : '',
      presenceValue: kind === '+' ? arg : '',
      required: kind === '?',
    });
    if (arg && depth < MAX_DEPTH) scan(arg, m, depth + 1);
  }
}

/** Every variable used in the string values of `tree`, sorted by name. */
export function extractVariables(tree: unknown): Variable[] {
  const m = new Map<string, Variable>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') { if (v.includes('$')) scan(v, m); }
    else if (Array.isArray(v)) v.forEach(walk);
    else if (isObj(v)) Object.values(v).forEach(walk);
  };
  walk(tree);
  return [...m.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
