// Positions of parsed values. Every object and array parsed from a Compose
// file carries a hidden LOC record (a symbol property, so JSON and YAML
// output never see it) with the offset of each key and value node and the
// !reset/!override tags, so that any error found later — after
// interpolation, merging or extends — points at file:line:col.
import type { Pos } from './errors.js';

const LOC: unique symbol = Symbol('berth.loc');

export type Tag = '!reset' | '!override';

export class SourceFile {
  private starts?: number[];
  constructor(readonly path: string, readonly text: string) {}
  /** 1-based line and column of a character offset (line index built on first use). */
  pos(offset: number): Pos {
    if (!this.starts) {
      this.starts = [0];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    }
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid; else hi = mid - 1;
    }
    return { file: this.path, line: lo + 1, col: offset - this.starts[lo]! + 1 };
  }
}

export interface Mark { src: SourceFile; offset: number }

/** Position record of one mapping or sequence. */
export interface Loc {
  self?: Mark;
  keys: Map<string | number, Mark>;
  vals: Map<string | number, Mark>;
  tags: Map<string | number, Tag>;
}

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function locOf(c: unknown): Loc | undefined {
  return c && typeof c === 'object' ? (c as { [LOC]?: Loc })[LOC] : undefined;
}

export function ensureLoc(c: object): Loc {
  let l = (c as { [LOC]?: Loc })[LOC];
  if (!l) {
    l = { keys: new Map(), vals: new Map(), tags: new Map() };
    Object.defineProperty(c, LOC, { value: l, enumerable: false, writable: true, configurable: true });
  }
  return l;
}

function markPos(m: Mark | undefined): Pos | undefined {
  return m ? m.src.pos(m.offset) : undefined;
}

/** Position of the value (or key) under `key` in container `c`, or of `c` itself. */
export function posOf(c: unknown, key?: string | number, which: 'key' | 'value' = 'value'): Pos | undefined {
  const l = locOf(c);
  if (!l) return undefined;
  if (key !== undefined) {
    const m = (which === 'key' ? l.keys.get(key) : l.vals.get(key)) ?? l.keys.get(key) ?? l.vals.get(key);
    if (m) return markPos(m);
  }
  return markPos(l.self);
}

/** The most precise position known along `path` from `root`. */
export function posAt(root: unknown, path: ReadonlyArray<string | number>, which: 'key' | 'value' = 'value'): Pos | undefined {
  let best = posOf(root);
  let cur: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const k = path[i]!;
    if (!cur || typeof cur !== 'object') break;
    let key: string | number = k;
    // A name looked up in a list form (depends_on: [db], environment: [A=1]) is the matching item.
    if (Array.isArray(cur) && typeof k === 'string') {
      const idx = cur.findIndex((x) => x === k || (typeof x === 'string' && (x.startsWith(`${k}=`) || x.startsWith(`${k}:`))));
      if (idx >= 0) key = idx;
    }
    const p = posOf(cur, key, i === path.length - 1 ? which : 'value');
    if (p) best = p;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return best;
}

/** Copies the location of `from[fromKey]` to `to[toKey]`. */
export function copyLoc(from: unknown, fromKey: string | number, to: object, toKey: string | number): void {
  const f = locOf(from);
  if (!f) return;
  const t = ensureLoc(to);
  const k = f.keys.get(fromKey); if (k) t.keys.set(toKey, k);
  const v = f.vals.get(fromKey); if (v) t.vals.set(toKey, v);
  const g = f.tags.get(fromKey);
  if (g) t.tags.set(toKey, g); else t.tags.delete(toKey);
}

export function tagOf(c: unknown, key: string | number): Tag | undefined {
  return locOf(c)?.tags.get(key);
}
