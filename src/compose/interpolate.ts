// Variable interpolation exactly as the Compose Specification describes it:
// $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e}, ${VAR?e}, ${VAR:+r}, ${VAR+r},
// nested expressions in the default/replacement, and $$ for a literal $.
// A $ not followed by a name, { or $ stays literal (as compose-go does).
import { ComposeError, pathString } from './errors.js';
import { isObj, posOf } from './source.js';

export type Lookup = (name: string) => string | undefined;

/** A template error without a position; the tree walker adds one. */
export class TemplateError extends Error {}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Finds the `}` closing the expression that starts at `from` (just after `${`). */
function closingBrace(s: string, from: number): number {
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '$' && s[i + 1] === '$') { i++; continue; }
    if (c === '$' && s[i + 1] === '{') { depth++; i++; continue; }
    if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

export function substitute(s: string, lookup: Lookup, onUnset?: (name: string) => void): string {
  if (!s.includes('$')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c !== '$') { out += c; i++; continue; }
    const n = s[i + 1];
    if (n === '$') { out += '$'; i += 2; continue; }
    if (n !== undefined && NAME_START.test(n)) {
      let j = i + 2;
      while (j < s.length && NAME_CHAR.test(s[j]!)) j++;
      const name = s.slice(i + 1, j);
      const v = lookup(name);
      if (v === undefined) onUnset?.(name);
      out += v ?? '';
      i = j;
      continue;
    }
    if (n !== '{') { out += c; i++; continue; }
    const end = closingBrace(s, i + 2);
    if (end < 0) throw new TemplateError(`invalid interpolation format "${s}": unclosed "\${"`);
    out += expand(s.slice(i + 2, end), s, lookup, onUnset);
    i = end + 1;
  }
  return out;
}

function expand(expr: string, whole: string, lookup: Lookup, onUnset?: (name: string) => void): string {
  let j = 0;
  if (!NAME_START.test(expr[0] ?? '')) throw new TemplateError(`invalid interpolation format "${whole}": expected a variable name after "\${"`);
  while (j < expr.length && NAME_CHAR.test(expr[j]!)) j++;
  const name = expr.slice(0, j);
  const value = lookup(name);
  if (j === expr.length) {
    if (value === undefined) onUnset?.(name);
    return value ?? '';
  }
  let op = expr[j]!;
  let colon = false;
  if (op === ':') { colon = true; op = expr[j + 1] ?? ''; j++; }
  if (op !== '-' && op !== '?' && op !== '+') {
    throw new TemplateError(`invalid interpolation format "${whole}": unexpected "${expr.slice(name.length)}" after \${${name}`);
  }
  const arg = expr.slice(j + 1);
  const unset = value === undefined || (colon && value === '');
  switch (op) {
    case '-':
      return unset ? substitute(arg, lookup, onUnset) : value!;
    case '+':
      return unset ? '' : substitute(arg, lookup, onUnset);
    default: {
      if (!unset) return value!;
      const msg = substitute(arg, lookup, onUnset);
      throw new TemplateError(`required variable ${name} is missing a value${msg ? `: ${msg}` : ''}`);
    }
  }
}

/**
 * Interpolates every string value (not keys) of a parsed tree in place.
 * Errors point at the value's position.
 */
export function interpolateTree(root: unknown, lookup: Lookup, onUnset?: (name: string) => void): void {
  const walk = (c: Record<string | number, unknown>, path: Array<string | number>): void => {
    const keys: Array<string | number> = Array.isArray(c) ? c.map((_, i) => i) : Object.keys(c);
    for (const k of keys) {
      const v = c[k];
      if (typeof v === 'string') {
        if (!v.includes('$')) continue;
        try {
          c[k] = substitute(v, lookup, onUnset);
        } catch (e) {
          if (e instanceof TemplateError) throw new ComposeError(e.message, posOf(c, k), pathString([...path, k]));
          throw e;
        }
      } else if (v && typeof v === 'object') {
        walk(v as Record<string, unknown>, [...path, k]);
      }
    }
  };
  if (isObj(root) || Array.isArray(root)) walk(root as Record<string, unknown>, []);
}

/** A variable's value from plain maps, first that has it as an own key (so "constructor" or "toString" are unset, not Object.prototype's). */
export function ownValue(k: string, ...maps: Array<Record<string, string | undefined>>): string | undefined {
  for (const m of maps) if (Object.hasOwn(m, k)) return m[k];
  return undefined;
}
