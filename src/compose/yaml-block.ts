// The quick YAML path: a line-based reader for the block-style subset
// that Compose files are mostly written in (block mappings and sequences,
// one-line plain and quoted scalars, one-line flow sequences and mappings
// of scalars, literal and folded block scalars, comments, anchors,
// aliases, `<<` merge keys, and the Compose tags !reset and !override
// before a collection). A CLI run is too short for V8 to optimize
// the yaml package's lexer and parser, so they run interpreted (and loading
// the package alone costs ~30 ms); this reader leaves most of the scanning
// to native string and regex builtins.
//
// It never decides anything hard: on any construct outside the subset, or
// anything the yaml path would reject (duplicate keys, bad indentation,
// other tags, multi-line flow and plain scalars, tabs, several documents...), it
// returns undefined and the caller parses with the yaml package
// (yaml-source.ts), which is the reference. Where it answers, the value
// equals the yaml path's: plain scalars are resolved by the same rules
// (yaml-scalars.ts), keys are String()ed, merged keys take the place of
// their `<<`, and every alias is a fresh copy.
// test/unit/compose/yaml-block.test.ts holds it to that on every fixture
// and on generated and mutated documents.
import { resolvePlain } from './yaml-scalars.js';
import { ensureLoc, locOf, tagOf, type Obj, type Tag } from './loc.js';
import { MAX_YAML_DEPTH, MAX_YAML_NODES } from './text-guard.js';

const MAX_NODES = MAX_YAML_NODES;
const MAX_DEPTH = MAX_YAML_DEPTH;
/** A block mapping key this reader takes: plain, no spaces, no indicator first. */
const KEY = /^([A-Za-z0-9_][\w.\/-]*|<<):(?: +|$)/;
/** A key in a flow mapping: plain, no spaces, no indicator first. */
const FLOW_KEY = /^([A-Za-z0-9_][\w.\/-]*): +/;
/** Anything after a one-line value except a comment. */
const TRAILER = /^(?: +#.*| *)$/;

class Bail extends Error {}
const bail = (): never => { throw new Bail(); };

class Reader {
  private i = 0;
  private nodes = 0;
  private readonly anchors = new Map<string, unknown>();

  /**
   * ind/str: indentation and text of each line that holds YAML (blank and
   * comment-only lines left out); at: each one's index in raw, the text's
   * lines (block scalars read those); ended: the text ends with a newline.
   */
  constructor(
    private readonly ind: number[],
    private readonly str: string[],
    private readonly at: number[],
    private readonly raw: string[],
    private readonly ended: boolean,
  ) {}

  document(): Obj {
    if (this.str.length === 0 || this.ind[0] !== 0) bail();
    const v = this.block(0, 0);
    if (this.i !== this.str.length || v === null || typeof v !== 'object' || Array.isArray(v)) bail();
    return v as Obj;
  }

  private count(depth: number): void {
    if (++this.nodes > MAX_NODES || depth > MAX_DEPTH) bail();
  }

  private static isDash(s: string): boolean {
    return s === '-' || s.startsWith('- ');
  }

  /** The node whose first line is the current one (at `indent`). */
  private block(indent: number, depth: number): unknown {
    return Reader.isDash(this.str[this.i]!) ? this.seq(indent, depth) : this.map(indent, depth);
  }

  /** After a child node: a line deeper than `indent` that nobody took is bad indentation. */
  private end(indent: number): void {
    if (this.i < this.str.length && this.ind[this.i]! > indent) bail();
  }

  private map(indent: number, depth: number): Obj {
    this.count(depth);
    const out: Obj = {};
    const overridable = new Set<string>();
    let merged = false;
    while (this.i < this.str.length && this.ind[this.i] === indent) {
      const s = this.str[this.i]!;
      const m = KEY.exec(s);
      if (!m) return bail();
      const raw = m[1]!;
      const [tag, rest] = splitTag(s.slice(m[0].length));
      const value = this.value(rest, indent, depth + 1, true);
      if (raw === '<<') {
        // Keys not yet present, overridable by explicit keys later; a second `<<` is a duplicate key.
        if (merged) bail();
        merged = true;
        for (const src of Array.isArray(value) ? value : [value]) {
          if (src === null || typeof src !== 'object' || Array.isArray(src)) bail();
          for (const k of Object.keys(src as Obj)) {
            if (Object.hasOwn(out, k)) continue;
            out[k] = (src as Obj)[k];
            const t = tagOf(src, k);
            if (t) ensureLoc(out).tags.set(k, t);
            overridable.add(k);
          }
        }
        continue;
      }
      const k = resolvePlain(raw);
      // A null, number or boolean key is an error for the yaml path to report.
      const key = typeof k === 'string' ? k : bail();
      if (key === '__proto__' || (Object.hasOwn(out, key) && !overridable.has(key))) bail();
      overridable.delete(key);
      out[key] = value;
      noteTag(out, key, tag);
      // A tagged empty value is an empty string to the yaml path, not null: leave it to it.
      if (tag && value === null) bail();
    }
    this.end(indent);
    return out;
  }

  private seq(indent: number, depth: number): unknown[] {
    this.count(depth);
    const out: unknown[] = [];
    while (this.i < this.str.length && this.ind[this.i] === indent && Reader.isDash(this.str[this.i]!)) {
      const s = this.str[this.i]!;
      let at = 1;
      while (s.charCodeAt(at) === 32) at++;
      const rest = s.slice(at);
      if (rest !== '' && rest[0] !== '#' && (Reader.isDash(rest) || KEY.test(rest))) {
        // `- key: v` / `- - x`: the item is a node that starts mid-line; read that line as if it began there.
        this.ind[this.i] = indent + at;
        this.str[this.i] = rest;
        out.push(this.block(indent + at, depth + 1));
      } else {
        const [tag, after] = splitTag(rest);
        // An empty item followed by nothing deeper: leave it to the yaml path.
        if ((after === '' || after[0] === '#') && !(this.i + 1 < this.str.length && this.ind[this.i + 1]! > indent)) bail();
        const value = this.value(after, indent, depth + 1, false);
        if (tag && value === null) bail();
        out.push(value);
        noteTag(out, out.length - 1, tag);
      }
    }
    this.end(indent);
    return out;
  }

  /** The value after `key:` or `- ` on the current line (`rest`), owned by a node at `indent`. */
  private value(rest: string, indent: number, depth: number, inMap: boolean): unknown {
    let anchor: string | undefined;
    if (rest[0] === '&') {
      const m = /^&([^\s,[\]{}]+)(?: +|$)/.exec(rest);
      if (!m) return bail();
      anchor = m[1]!;
      rest = rest.slice(m[0].length);
      if (rest[0] === '*' || rest[0] === '&') bail();
    }
    let v: unknown;
    const header = /^([|>])([-+]?)(?: +#.*| *)$/.exec(rest);
    if (header) {
      v = this.blockScalar(header[1]!, header[2]!, indent);
      this.end(indent);
    } else if (rest === '' || rest[0] === '#') {
      this.i++;
      const next = this.i < this.str.length ? this.ind[this.i]! : -1;
      if (next > indent) {
        // A sequence under an empty `-` item that goes on at the outer item's indent: not ours.
        if (!inMap && Reader.isDash(this.str[this.i]!)) bail();
        v = this.block(next, depth);
      }
      else if (inMap && next === indent && Reader.isDash(this.str[this.i]!)) v = this.seq(indent, depth);
      else v = null;
    } else {
      v = this.inline(rest, depth);
      this.i++;
      // A deeper line after a one-line value would continue it (a multi-line scalar): not ours.
      this.end(indent);
    }
    if (anchor !== undefined) this.anchors.set(anchor, v);
    return v;
  }

  /**
   * A literal (`|`) or folded (`>`) block scalar whose header ends the
   * current line, owned by a node at `indent`; chomp is "", "-" or "+".
   * Not ours: no content, blank lines before it or with spaces past its
   * indentation, reaching the end of a text without a final newline, and,
   * when folded, lines that are more indented or end in spaces.
   */
  private blockScalar(style: string, chomp: string, indent: number): string {
    const raw = this.raw;
    let r = this.at[this.i]! + 1;
    let n = -1;
    const lines: string[] = [];
    for (; r < raw.length; r++) {
      const line = raw[r]!;
      let k = 0;
      while (line.charCodeAt(k) === 32) k++;
      if (k === line.length) {
        if (n < 0 || k > n) bail();
        lines.push('');
        continue;
      }
      if (n < 0) {
        if (k <= indent) break;
        n = k;
      } else if (k < n) break;
      lines.push(line.slice(n));
    }
    if (r === raw.length && !this.ended) bail();
    let content = lines.length;
    while (content > 0 && lines[content - 1] === '') content--;
    if (content === 0) bail();
    const body = lines.slice(0, content);
    let text = '';
    if (style === '|') text = body.join('\n');
    else {
      // Folded: a single line break is a space, each empty line a line break.
      let empty = 0;
      for (const l of body) {
        if (l === '') { empty++; continue; }
        if (l[0] === ' ' || l.endsWith(' ')) bail();
        if (text !== '') text += empty > 0 ? '\n'.repeat(empty) : ' ';
        text += l;
        empty = 0;
      }
    }
    if (chomp !== '-') text += '\n';
    if (chomp === '+') text += '\n'.repeat(lines.length - content);
    // Past the scalar's lines (its text may hold what looks like YAML or comments).
    while (this.i < this.str.length && this.at[this.i]! < r) this.i++;
    return text;
  }

  /** A value that ends on this line. */
  private inline(s: string, depth: number): unknown {
    const c = s[0]!;
    if (c === '*') {
      const m = /^\*([^\s,[\]{}]+)(?: +#.*| *)$/.exec(s);
      if (!m || !this.anchors.has(m[1]!)) return bail();
      return this.copy(this.anchors.get(m[1]!), depth);
    }
    if (c === '"' || c === "'") {
      const [text, end] = quoted(s, 0);
      if (!TRAILER.test(s.slice(end))) bail();
      return text;
    }
    if (c === '[') return this.flowSeq(s, depth);
    if (c === '{') return this.flowMap(s, depth);
    return plain(cutComment(s));
  }

  /** A one-line flow sequence of scalars: `[a, "b", 1]`. */
  private flowSeq(s: string, depth: number): unknown[] {
    this.count(depth);
    const out: unknown[] = [];
    const j = flowItems(s, ']', (at) => {
      const [v, end] = flowScalar(s, at);
      out.push(v);
      return end;
    });
    if (!TRAILER.test(s.slice(j))) bail();
    return out;
  }

  /** A one-line flow mapping of plain keys to scalars: `{a: 1, b: "x"}`. */
  private flowMap(s: string, depth: number): Obj {
    this.count(depth);
    const out: Obj = {};
    const j = flowItems(s, '}', (at) => {
      const m = FLOW_KEY.exec(s.slice(at));
      if (!m) return bail();
      const k = resolvePlain(m[1]!);
      const key = typeof k === 'string' ? k : bail();
      if (key === '__proto__' || Object.hasOwn(out, key)) bail();
      const [v, end] = flowScalar(s, at + m[0].length);
      out[key] = v;
      return end;
    });
    if (!TRAILER.test(s.slice(j))) bail();
    return out;
  }

  /** An alias: a fresh copy of the anchored value, as the yaml path makes it. */
  private copy(v: unknown, depth: number): unknown {
    if (v === null || typeof v !== 'object') return v;
    this.count(depth);
    const out: Obj | unknown[] = Array.isArray(v) ? v.map((x) => this.copy(x, depth + 1)) : {};
    if (!Array.isArray(v)) for (const k of Object.keys(v)) (out as Obj)[k] = this.copy((v as Obj)[k], depth + 1);
    const tags = locOf(v)?.tags;
    if (tags?.size) ensureLoc(out).tags = new Map(tags);
    return out;
  }
}

/**
 * A `!reset` or `!override` tag in front of a value: [the tag, the rest].
 * Taken only before a collection (on this line or the next ones); a tagged
 * scalar (which the yaml path reads as a string) is left to the yaml path.
 */
function splitTag(rest: string): [Tag | undefined, string] {
  const m = /^!(reset|override)(?: +|$)/.exec(rest);
  if (!m) return [undefined, rest];
  const after = rest.slice(m[0].length);
  if (after !== '' && after[0] !== '[' && after[0] !== '{' && after[0] !== '#') bail();
  return [`!${m[1]}` as Tag, after];
}

/** Records (or clears) the tag of c[key], as the merge of several files reads it (see loc.ts). */
function noteTag(c: object, key: string | number, tag: Tag | undefined): void {
  if (tag) ensureLoc(c).tags.set(key, tag);
  else locOf(c)?.tags.delete(key);
}

/**
 * Reads the items of a one-line flow collection that opens at s[0] and
 * closes with `close`, each with `item(at)` (which returns the index after
 * the item); the index after the closing bracket. No trailing comma.
 */
function flowItems(s: string, close: string, item: (at: number) => number): number {
  let j = 1;
  const skip = () => { while (s.charCodeAt(j) === 32) j++; };
  skip();
  if (s[j] === close) return j + 1;
  for (;;) {
    skip();
    j = item(j);
    skip();
    if (s[j] === ',') { j++; skip(); if (s[j] === close) bail(); continue; }
    if (s[j] === close) return j + 1;
    bail();
  }
}

/** A quoted or plain scalar inside a flow collection, starting at s[at]; [its value, the index after it]. */
function flowScalar(s: string, at: number): [unknown, number] {
  const c = s[at];
  if (c === '"' || c === "'") return quoted(s, at);
  const m = /^[^,[\]{}#"']*/.exec(s.slice(at))!;
  const item = m[0].trimEnd();
  if (item === '' || /: |:$/.test(item)) bail();
  return [plain(item), at + m[0].length];
}

/** A plain scalar's text without its trailing comment (` #`) and spaces. */
function cutComment(s: string): string {
  const k = s.indexOf(' #');
  return (k < 0 ? s : s.slice(0, k)).trimEnd();
}

function plain(s: string): unknown {
  // Indicators and anything that would make a YAML parser read more than a scalar.
  if (/^(?:[-?:](?: |$)|[,[\]{}#&*!|>'"%@`])|: |:$/.test(s)) bail();
  return resolvePlain(s);
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0', ' ': ' ' };

/** A quoted scalar that starts at s[from]; [its value, the index after it]. It must close on this line. */
function quoted(s: string, from: number): [string, number] {
  const q = s[from];
  if (q === "'") {
    let out = '';
    let j = from + 1;
    for (;;) {
      const k = s.indexOf("'", j);
      if (k < 0) return bail();
      out += s.slice(j, k);
      if (s[k + 1] === "'") { out += "'"; j = k + 2; continue; }
      return [out, k + 1];
    }
  }
  let out = '';
  let j = from + 1;
  for (;;) {
    const k = s.slice(j).search(/["\\]/);
    if (k < 0) return bail();
    out += s.slice(j, j + k);
    j += k;
    if (s[j] === '"') return [out, j + 1];
    const e = s[j + 1]!;
    if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(j + 2, j + 6))) {
      out += String.fromCharCode(parseInt(s.slice(j + 2, j + 6), 16));
      j += 6;
    } else if (e !== undefined && Object.hasOwn(ESCAPES, e)) {
      out += ESCAPES[e];
      j += 2;
    } else {
      return bail();
    }
  }
}

/**
 * Parses a Compose file written in the block subset; undefined when the text
 * steps outside it (the yaml path then decides, and reports any error).
 */
export function parseBlockYaml(text: string): Obj | undefined {
  // Tabs, CRs, a BOM, directives and document markers: leave them to the yaml path.
  if (/[\t\r\ufeff]|^(?:---|\.\.\.|%)/m.test(text)) return undefined;
  const ind: number[] = [];
  const str: string[] = [];
  const at: number[] = [];
  const raw = text.split('\n');
  const ended = raw[raw.length - 1] === '';
  if (ended) raw.pop();
  raw.forEach((line, r) => {
    let n = 0;
    while (line.charCodeAt(n) === 32) n++;
    if (n === line.length || line.charCodeAt(n) === 35) return; // blank or comment-only
    ind.push(n);
    str.push(n === 0 ? line : line.slice(n));
    at.push(r);
  });
  try {
    return new Reader(ind, str, at, raw, ended).document();
  } catch (e) {
    if (e instanceof Bail) return undefined;
    throw e;
  }
}
