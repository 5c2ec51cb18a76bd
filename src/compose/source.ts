// YAML 1.2 source → plain JS values that remember where they came from.
// Every object and array parsed here carries a hidden LOC record (a symbol
// property, so JSON and YAML output never see it) with the offset of each
// key and value node and the !reset/!override tags, so that any error found
// later — after interpolation, merging or extends — points at file:line:col.
import { parseDocument, isMap, isSeq, isScalar, isAlias, LineCounter, Scalar } from 'yaml';
import type { Document, Node as YNode, YAMLMap } from 'yaml';
import { ComposeError, type Pos } from './errors.js';

export const LOC: unique symbol = Symbol('berth.loc');

export type Tag = '!reset' | '!override';

export class SourceFile {
  readonly lines = new LineCounter();
  constructor(readonly path: string, readonly text: string) {}
  pos(offset: number): Pos {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.path, line, col };
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
type Container = Obj | unknown[];

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

export function markPos(m: Mark | undefined): Pos | undefined {
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

const MAX_NODES = 1_000_000;

class Converter {
  private count = 0;
  /** Anchors seen so far in document order (Alias.resolve would rescan the whole document each time). */
  private readonly anchors = new Map<string, unknown>();
  constructor(private readonly doc: Document.Parsed, private readonly src: SourceFile) {}

  private mark(n: YNode | null | undefined): Mark | undefined {
    return n && n.range ? { src: this.src, offset: n.range[0] } : undefined;
  }

  private fail(msg: string, n: YNode | null | undefined): never {
    throw new ComposeError(msg, n?.range ? this.src.pos(n.range[0]) : { file: this.src.path, line: 1, col: 1 });
  }

  convert(node: unknown, depth = 0): unknown {
    if (++this.count > MAX_NODES) this.fail('document expands to too many nodes (alias bomb?)', node as YNode);
    if (depth > 200) this.fail('document is nested too deeply', node as YNode);
    if (node == null) return null;
    if (isAlias(node)) {
      const target = this.anchors.get(node.source);
      if (!target) this.fail(`invalid YAML: unknown alias *${node.source}`, node);
      return this.convert(target, depth + 1);
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) this.anchors.set(anchor, node);
    if (isScalar(node)) return node.value;
    if (isSeq(node)) {
      const out: unknown[] = [];
      const loc = ensureLoc(out);
      loc.self = this.mark(node);
      node.items.forEach((item, i) => {
        const m = this.mark(item as YNode);
        if (m) { loc.vals.set(i, m); loc.keys.set(i, m); }
        this.noteTag(loc, i, item);
        out.push(this.convert(item, depth + 1));
      });
      return out;
    }
    if (isMap(node)) return this.convertMap(node, depth);
    this.fail('unsupported YAML node', node as YNode);
  }

  private noteTag(loc: Loc, key: string | number, n: unknown): void {
    const tag = (n as { tag?: string } | null)?.tag;
    if (tag === '!reset' || tag === '!override') loc.tags.set(key, tag);
  }

  private convertMap(node: YAMLMap, depth: number): Obj {
    const out: Obj = {};
    const loc = ensureLoc(out);
    loc.self = this.mark(node);
    const merges: unknown[] = [];
    for (const pair of node.items) {
      const kn = pair.key as YNode | null;
      if (isScalar(kn) && kn.value === '<<' && kn.type === Scalar.PLAIN) {
        merges.push(pair.value);
        continue;
      }
      if (!isScalar(kn) || kn.value === null || typeof kn.value === 'object') this.fail('mapping keys must be plain strings', kn ?? node);
      const key = String(kn.value);
      if (key === '__proto__') this.fail('key "__proto__" is not allowed', kn);
      const km = this.mark(kn);
      if (km) loc.keys.set(key, km);
      const vm = this.mark(pair.value as YNode) ?? km;
      if (vm) loc.vals.set(key, vm);
      this.noteTag(loc, key, pair.value);
      out[key] = this.convert(pair.value, depth + 1);
    }
    // `<<` merge keys: explicit keys win, then earlier sources win.
    for (const m of merges) {
      const sources = isSeq(m) ? m.items : [m];
      for (const s of sources) {
        const v = this.convert(s, depth + 1);
        if (!isObj(v)) this.fail('merge key << expects a mapping or a list of mappings', s as YNode);
        for (const k of Object.keys(v)) {
          if (k in out) continue;
          out[k] = v[k];
          copyLoc(v, k, out, k);
        }
      }
    }
    return out;
  }
}

/** Parses one Compose file's text; the result is the top-level mapping. */
export function parseYaml(path: string, text: string): Obj {
  const src = new SourceFile(path, text);
  const doc = parseDocument(text, {
    lineCounter: src.lines, prettyErrors: false, uniqueKeys: true, merge: false, version: '1.2', strict: true,
  });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    let msg = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
    if (e.code === 'DUPLICATE_KEY') {
      const m = /^[^:\n]*/.exec(text.slice(e.pos[0]))![0]!.trim();
      msg = `duplicate key "${m}"`;
    }
    throw new ComposeError(`invalid YAML: ${msg}`, src.pos(e.pos[0]));
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    throw new ComposeError('empty compose file', { file: path, line: 1, col: 1 });
  }
  const value = new Converter(doc, src).convert(doc.contents);
  if (!isObj(value)) throw new ComposeError('top-level object must be a mapping', src.pos(doc.contents.range?.[0] ?? 0));
  return value;
}

/** Parses a YAML value that is not a Compose file (no positions needed beyond errors). */
export function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}
