// Small converters used by the normalizer: interpolated strings to the
// booleans and numbers the model wants, list-or-dict to dict, and errors
// positioned on the raw tree.
import { ComposeError, pathString, type Pos } from './errors.js';
import { posAt, isObj } from './source.js';
import { SyntaxProblem } from './syntax.js';
import { UnitError } from '../units.js';

export type P = Array<string | number>;

/** A value as written: numbers as such (JSON would print Infinity as null). */
function show(v: unknown): string {
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}

export class Ctx {
  constructor(readonly root: unknown) {}
  pos(path: P): Pos | undefined { return posAt(this.root, path); }
  fail(msg: string, path: P): never { throw new ComposeError(msg, this.pos(path), pathString(path)); }
  /** Runs fn, turning a SyntaxProblem or UnitError into a positioned error. */
  at<T>(path: P, fn: () => T): T {
    try { return fn(); } catch (e) {
      if (e instanceof SyntaxProblem || e instanceof UnitError) this.fail(e.message, path);
      throw e;
    }
  }
  bool(v: unknown, path: P): boolean {
    if (typeof v === 'boolean') return v;
    // The words docker compose takes for a boolean written as a string (e.g. from a variable).
    if (typeof v === 'string' && /^(y|yes|true|on|n|no|false|off)$/i.test(v)) return /^(y|yes|true|on)$/i.test(v);
    return this.fail(`expected a boolean (true or false), got ${JSON.stringify(v)}`, path);
  }
  int(v: unknown, path: P, min = -Infinity, max = Infinity): number {
    const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n)) return this.fail(`expected an integer, got ${show(v)}`, path);
    // Past 2^53 a double no longer holds every integer: the value would change silently.
    if (!Number.isSafeInteger(n)) return this.fail(`${show(v)} is too large for an integer`, path);
    if (n < min || n > max) return this.fail(`${n} is out of range ${min}..${max}`, path);
    return n;
  }
  num(v: unknown, path: P): number {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) return this.fail(`expected a number, got ${show(v)}`, path);
    return n;
  }
}

/** Scalars in environment/labels become strings, as docker compose prints them. */
export function scalarString(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return String(v);
}

/** list of KEY=VAL (or KEY) / mapping → ordered mapping; KEY alone → null. */
export function dictOf(v: unknown, seps = '='): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = String(item);
      let at = -1;
      for (const sep of seps) { const j = s.indexOf(sep); if (j >= 0 && (at < 0 || j < at)) at = j; }
      if (at < 0) out[s] = null;
      else out[s.slice(0, at)] = s.slice(at + 1);
    }
  } else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) out[k] = scalarString(x);
  }
  return out;
}

/** Sorts a mapping's keys (Go maps print sorted). */
export function sorted<T>(o: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k]!;
  return out;
}
