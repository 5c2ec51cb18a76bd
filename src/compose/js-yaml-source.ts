// The fast YAML path. js-yaml parses a 50-service file several times faster
// than the yaml package when the process is cold (the yaml package's
// generator-based lexer runs in V8's interpreter for most of a short CLI
// run). Positions come from js-yaml's node listener: every node's open event
// gives its start offset, the close event its value, kind, tag and anchor;
// the values are rebuilt from that event tree so that each object and array
// carries its LOC record. Anything this path does not expect (a syntax
// error, complex keys, pairs in flow sequences, self-referencing aliases)
// returns undefined, and the caller parses the file with the yaml package,
// which reports errors precisely. js-yaml's CORE schema is YAML 1.2's.
import { load, type LoaderState } from 'js-yaml';
import { composeSchema } from './js-yaml-schema.js';
import { ComposeError } from './errors.js';
import { MAX_YAML_NODES } from './text-guard.js';
import { copyLoc, ensureLoc, isObj, SourceFile, type Loc, type Mark, type Obj } from './loc.js';

const MERGE = 'tag:yaml.org,2002:merge';
const MAX_NODES = MAX_YAML_NODES;

const schema = composeSchema((d) => d);

interface PNode {
  start: number;
  kids: PNode[];
  result: unknown;
  kind: LoaderState['kind'];
  tag: string | null;
  anchor: string | null;
}

class Fallback extends Error {}

class Builder {
  private count = 0;
  private readonly anchors = new Map<string, PNode>();
  constructor(private readonly src: SourceFile) {}

  /** Offset of the node's first character (events fire before whitespace and comments are skipped). */
  private start(n: PNode): number {
    const t = this.src.text;
    let i = n.start;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) { i++; continue; }
      if (c === 35) { const e = t.indexOf('\n', i); if (e < 0) return t.length; i = e; continue; }
      // Skip node properties (&anchor, !tag): positions name the content, as the yaml package does.
      if ((c === 38 || c === 33) && i === this.propertyAt(i)) { while (i < t.length && !/\s/.test(t[i]!)) i++; continue; }
      return i;
    }
  }

  /** `i` when an anchor or tag property starts there. */
  private propertyAt(i: number): number {
    return /^[&!][^\s,[\]{}]*\s/.test(this.src.text.slice(i, i + 258)) ? i : -1;
  }

  private mark(n: PNode): Mark {
    // An empty value is placed where it would start (just after "key:"), as the yaml package does.
    return { src: this.src, offset: this.isEmpty(n) ? n.start : this.start(n) };
  }

  private isEmpty(n: PNode): boolean {
    return n.kind === null && n.result === null;
  }

  build(n: PNode, depth = 0): unknown {
    if (++this.count > MAX_NODES) throw new ComposeError('document expands to too many nodes (alias bomb?)', this.src.pos(this.start(n)));
    if (depth > 200) throw new ComposeError('document is nested too deeply', this.src.pos(this.start(n)));
    let v: unknown;
    if (n.kind === null) {
      if (n.result === null) return null;
      // An alias: rebuild the anchored node, so that nothing is shared.
      const target = this.aliasTarget(n);
      if (!target) throw new Fallback();
      return this.build(target, depth + 1);
    }
    if (n.kind === 'scalar') v = n.result;
    else if (n.kind === 'sequence') v = this.seq(n, depth);
    else if (n.kind === 'mapping') v = this.map(n, depth);
    else throw new Fallback();
    if (n.anchor) this.anchors.set(n.anchor, n);
    return v;
  }

  private aliasTarget(n: PNode, anchors = this.anchors): PNode | undefined {
    const s = this.start(n);
    const m = /^\*([^\s,[\]{}]+)/.exec(this.src.text.slice(s, s + 256));
    return m ? anchors.get(m[1]!) : undefined;
  }

  /**
   * Counts the nodes the document becomes once aliases are followed, in
   * document order, without building anything (each node's expanded size is
   * computed once), and refuses it at the alias where the count passes the
   * limit: an alias bomb is measured in microseconds instead of being built.
   */
  measure(root: PNode): void {
    const anchors = new Map<string, PNode>();
    const sizes = new Map<PNode, number>();
    let total = 0;
    const walk = (n: PNode): number => {
      let size = 1;
      if (n.kind === null && n.result !== null) {
        const t = this.aliasTarget(n, anchors);
        size = t ? sizes.get(t) ?? 1 : 1;
        total += size;
      } else {
        total++;
        for (const k of n.kids) size += walk(k);
      }
      if (total > MAX_NODES) throw new ComposeError('document expands to too many nodes (alias bomb?)', this.src.pos(this.start(n)));
      sizes.set(n, size);
      if (n.anchor) anchors.set(n.anchor, n);
      return size;
    };
    walk(root);
  }

  private noteTag(loc: Loc, key: string | number, n: PNode): void {
    if (n.tag === '!reset' || n.tag === '!override') loc.tags.set(key, n.tag);
  }

  private seq(n: PNode, depth: number): unknown[] {
    if (!Array.isArray(n.result) || n.result.length !== n.kids.length) throw new Fallback();
    const out: unknown[] = [];
    const loc = ensureLoc(out);
    loc.self = this.mark(n);
    n.kids.forEach((k, i) => {
      const m = this.mark(k);
      loc.keys.set(i, m);
      loc.vals.set(i, m);
      this.noteTag(loc, i, k);
      out.push(this.build(k, depth + 1));
    });
    return out;
  }

  private map(n: PNode, depth: number): Obj {
    if (n.kids.length % 2 !== 0) throw new Fallback();
    const out: Obj = {};
    const loc = ensureLoc(out);
    loc.self = this.mark(n);
    const merges: PNode[] = [];
    for (let i = 0; i < n.kids.length; i += 2) {
      const k = n.kids[i]!;
      const v = n.kids[i + 1]!;
      if (k.tag === MERGE) { merges.push(v); continue; }
      if (k.kind !== 'scalar' || k.result === null || typeof k.result === 'object') throw new Fallback();
      const key = String(k.result);
      if (key === '__proto__') throw new ComposeError('key "__proto__" is not allowed', this.src.pos(this.start(k)));
      const km = this.mark(k);
      loc.keys.set(key, km);
      loc.vals.set(key, this.mark(v));
      this.noteTag(loc, key, v);
      out[key] = this.build(v, depth + 1);
    }
    // `<<` merge keys: explicit keys win, then earlier sources win.
    for (const m of merges) {
      const sources = m.kind === 'sequence' ? m.kids : [m];
      for (const s of sources) {
        const v = this.build(s, depth + 1);
        if (!isObj(v)) throw new Fallback();
        for (const key of Object.keys(v)) {
          if (Object.hasOwn(out, key)) continue;
          out[key] = v[key];
          copyLoc(v, key, out, key);
        }
      }
    }
    return out;
  }
}

/** Parses with js-yaml; undefined when the careful path must decide. */
export function parseFast(path: string, text: string): Obj | undefined {
  const root: PNode = { start: 0, kids: [], result: null, kind: null, tag: null, anchor: null };
  const stack: PNode[] = [root];
  try {
    load(text, {
      schema,
      filename: path,
      maxDepth: 200,
      listener(event, st) {
        if (event === 'open') {
          const n: PNode = { start: st.position, kids: [], result: null, kind: null, tag: null, anchor: null };
          stack[stack.length - 1]!.kids.push(n);
          stack.push(n);
        } else {
          const n = stack.pop()!;
          n.result = st.result;
          n.kind = st.kind;
          n.tag = st.tag;
          n.anchor = st.anchor;
        }
      },
    });
  } catch (e) {
    const mark = (e as { mark?: { position?: number } }).mark;
    if (/maxDepth/.test((e as Error).message)) throw new ComposeError('document is nested too deeply', new SourceFile(path, text).pos(mark?.position ?? 0));
    return undefined;
  }
  if (root.kids.length !== 1 || root.kids[0]!.kind !== 'mapping') return undefined;
  try {
    const builder = new Builder(new SourceFile(path, text));
    builder.measure(root.kids[0]!);
    return builder.build(root.kids[0]!) as Obj;
  } catch (e) {
    if (e instanceof Fallback) return undefined;
    throw e;
  }
}
