// The YAML path: the `yaml` package (YAML 1.2, precise errors) turns a
// Compose file into plain JS values, each mapping and sequence carrying its
// positions (see loc.ts). Every syntax error is reported here with its
// position; the quick line reader (yaml-block.ts) only ever steps aside.
//
// Hostile input is refused before it can cost much: nesting while the
// parser reads (its stack is one entry per open collection, so a file of
// 50,000 `[` stops at the 201st instead of recursing in the composer), and
// alias bombs once the document is composed (each node's expanded size is
// measured once, before anything is built).
//
// Loaded with require() on demand: importing `yaml` costs ~30 ms, which a
// file the line reader takes never pays.
import { createRequire } from 'node:module';
import type { CST, Document, Node as YNode, YAMLMap } from 'yaml';
import type * as YamlNs from 'yaml';
import { ComposeError } from './errors.js';
import { LEGACY_OCTAL, legacyOctal } from './yaml-scalars.js';
import { MAX_YAML_DEPTH, MAX_YAML_NODES } from './text-guard.js';
import { copyLoc, ensureLoc, isObj, SourceFile, type Loc, type Mark, type Obj } from './loc.js';

type YamlModule = typeof YamlNs;
let Y: YamlModule | undefined;
function yamlModule(): YamlModule {
  Y ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return Y;
}

class Converter {
  /** Anchors seen so far in document order (Alias.resolve would rescan the whole document each time). */
  private readonly anchors = new Map<string, YNode>();
  constructor(private readonly src: SourceFile) {}

  private mark(n: YNode | null | undefined): Mark | undefined {
    return n && n.range ? { src: this.src, offset: n.range[0] } : undefined;
  }

  private fail(msg: string, n: YNode | null | undefined): never {
    throw new ComposeError(msg, n?.range ? this.src.pos(n.range[0]) : { file: this.src.path, line: 1, col: 1 });
  }

  /**
   * Counts the nodes the document becomes once aliases are followed, in
   * document order, and refuses it at the node where the count passes the
   * limit: an alias bomb is measured in microseconds instead of being built.
   */
  measure(root: YNode): void {
    const { isAlias, isMap, isSeq } = yamlModule();
    const anchors = new Map<string, YNode>();
    const sizes = new Map<YNode, number>();
    let total = 0;
    const walk = (n: unknown): number => {
      if (n == null) return 0;
      const node = n as YNode;
      let size = 1;
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        size = target ? sizes.get(target) ?? 1 : 1;
        total += size;
      } else {
        total++;
        if (isMap(node)) for (const p of node.items) size += walk(p.key) + walk(p.value);
        else if (isSeq(node)) for (const item of node.items) size += walk(item);
      }
      if (total > MAX_YAML_NODES) this.fail('document expands to too many nodes (alias bomb?)', node);
      sizes.set(node, size);
      if (node.anchor) anchors.set(node.anchor, node);
      return size;
    };
    walk(root);
  }

  /** `path`: where the node is, as compose-go names it in errors (`services.web.environment`, `config[0]`). */
  convert(node: unknown, depth = 0, path = ''): unknown {
    const { isAlias, isScalar, isSeq, isMap } = yamlModule();
    // Aliases can nest what the parser saw as shallow.
    if (depth > MAX_YAML_DEPTH) this.fail('document is nested too deeply', node as YNode);
    if (node == null) return null;
    let value: unknown;
    if (isAlias(node)) {
      // Each use gets its own copy: interpolation later changes values in place.
      const target = this.anchors.get(node.source);
      if (!target) this.fail(`invalid YAML: unknown alias *${node.source}`, node);
      return this.convert(target, depth + 1, path);
    }
    if (isScalar(node)) value = node.value;
    else if (isSeq(node)) value = this.convertSeq(node.items, node, depth, path);
    else if (isMap(node)) value = this.convertMap(node, depth, path);
    else this.fail('unsupported YAML node', node as YNode);
    // After the node's own content: an alias inside it cannot refer to it.
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) this.anchors.set(anchor, node as YNode);
    return value;
  }

  private convertSeq(items: unknown[], node: YNode, depth: number, path: string): unknown[] {
    const out: unknown[] = [];
    const loc = ensureLoc(out);
    loc.self = this.mark(node);
    items.forEach((item, i) => {
      const m = this.mark(item as YNode);
      if (m) { loc.vals.set(i, m); loc.keys.set(i, m); }
      this.noteTag(loc, i, item);
      out.push(this.convert(item, depth + 1, `${path}[${i}]`));
    });
    return out;
  }

  private noteTag(loc: Loc, key: string | number, n: unknown): void {
    const tag = (n as { tag?: string } | null)?.tag;
    if (tag === '!reset' || tag === '!override') loc.tags.set(key, tag);
  }

  private convertMap(node: YAMLMap, depth: number, path: string): Obj {
    const { isScalar, isSeq, Scalar } = yamlModule();
    const out: Obj = {};
    const loc = ensureLoc(out);
    loc.self = this.mark(node);
    for (const pair of node.items) {
      const kn = pair.key as YNode | null;
      if (isScalar(kn) && kn.value === '<<' && kn.type === Scalar.PLAIN) {
        // `<<` merge keys, in place: keys not yet present, so that keys
        // written before win, later ones override, and earlier sources win.
        for (const s of isSeq(pair.value) ? pair.value.items : [pair.value]) {
          const v = this.convert(s, depth + 1, path);
          if (!isObj(v)) this.fail('merge key << expects a mapping or a list of mappings', (s ?? kn) as YNode);
          for (const k of Object.keys(v)) {
            if (Object.hasOwn(out, k)) continue;
            out[k] = v[k];
            copyLoc(v, k, out, k);
          }
        }
        continue;
      }
      if (!isScalar(kn) || kn.value === null || typeof kn.value === 'object') this.fail('mapping keys must be plain strings', kn ?? node);
      // A number, boolean or other non-string key is refused, as compose-go refuses it (labels: {1: x}).
      if (typeof kn.value !== 'string') this.fail(`non-string key ${path ? `in ${path}` : 'at top level'}: ${String(kn.value)}`, kn);
      const key = kn.value;
      if (key === '__proto__') this.fail('key "__proto__" is not allowed', kn);
      const km = this.mark(kn);
      if (km) loc.keys.set(key, km);
      const vm = this.mark(pair.value as YNode) ?? km;
      if (vm) loc.vals.set(key, vm);
      loc.tags.delete(key);
      this.noteTag(loc, key, pair.value);
      out[key] = this.convert(pair.value, depth + 1, path ? `${path}.${key}` : key);
    }
    return out;
  }
}

// Leading-zero integers are octal, as docker compose reads them (see yaml-scalars.ts); first, so it wins over core ints.
const OCTAL = { identify: (v: unknown) => typeof v === 'number', default: true, tag: 'tag:yaml.org,2002:int', test: LEGACY_OCTAL, resolve: (s: string) => legacyOctal(s)! };

/** The parser's syntax tree of `text`, refused at the token where collections nest deeper than MAX_YAML_DEPTH. */
function parseTokens(src: SourceFile): CST.Token[] {
  const { Lexer, Parser } = yamlModule();
  const parser = new Parser();
  const tokens: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(src.text)) {
    const at = parser.offset;
    for (const t of parser.next(lexeme)) tokens.push(t);
    // The stack holds the document, one entry per open collection and the scalar being read.
    if (parser.stack.length > MAX_YAML_DEPTH + 2) throw new ComposeError('document is nested too deeply', src.pos(at));
  }
  for (const t of parser.end()) tokens.push(t);
  return tokens;
}

/** Parses one Compose file's text with the yaml package; the result is the top-level mapping. */
export function parseWithYamlPackage(path: string, text: string): Obj {
  const { Composer, isScalar } = yamlModule();
  const src = new SourceFile(path, text);
  const composer = new Composer({ prettyErrors: false, uniqueKeys: true, merge: false, version: '1.2', strict: true, customTags: (tags) => [OCTAL, ...tags] });
  const docs = [...composer.compose(parseTokens(src), true, text.length)];
  const doc = docs[0] as Document.Parsed;
  const e = doc.errors[0];
  if (e) {
    let msg = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
    if (e.code === 'DUPLICATE_KEY') {
      const m = /^[^:\n]*/.exec(text.slice(e.pos[0]))![0]!.trim();
      msg = `duplicate key "${m}"`;
    }
    throw new ComposeError(`invalid YAML: ${msg}`, src.pos(e.pos[0]));
  }
  if (docs.length > 1) throw new ComposeError('invalid YAML: Source contains multiple documents', src.pos(docs[1]!.range[0]));
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    throw new ComposeError('empty compose file', { file: path, line: 1, col: 1 });
  }
  const converter = new Converter(src);
  converter.measure(doc.contents);
  const value = converter.convert(doc.contents);
  if (!isObj(value)) throw new ComposeError('top-level object must be a mapping', src.pos(doc.contents.range?.[0] ?? 0));
  return value;
}
