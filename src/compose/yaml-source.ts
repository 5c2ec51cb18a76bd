// The careful YAML path: the `yaml` package (YAML 1.2, precise errors).
// Used when the fast path (js-yaml-source.ts) cannot take a document, so
// that every syntax error is reported by the yaml package with its position.
// Loaded with require() on demand: importing `yaml` costs ~30 ms.
import { createRequire } from 'node:module';
import type { Document, Node as YNode, YAMLMap } from 'yaml';
import { ComposeError } from './errors.js';
import type * as YamlNs from 'yaml';
import { legacyOctal } from './js-yaml-schema.js';
import { MAX_YAML_NODES } from './text-guard.js';
import { copyLoc, ensureLoc, isObj, SourceFile, type Loc, type Mark, type Obj } from './loc.js';

type YamlModule = typeof YamlNs;
let Y: YamlModule | undefined;
function yamlModule(): YamlModule {
  Y ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return Y;
}

const MAX_NODES = MAX_YAML_NODES;

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
    const { isAlias, isScalar, isSeq, isMap } = yamlModule();
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
    const { isScalar, isSeq, Scalar } = yamlModule();
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
          if (Object.hasOwn(out, k)) continue;
          out[k] = v[k];
          copyLoc(v, k, out, k);
        }
      }
    }
    return out;
  }
}

// Leading-zero integers are octal, as docker compose reads them (see js-yaml-schema.ts); first, so it wins over core ints.
const OCTAL = { identify: (v: unknown) => typeof v === 'number', default: true, tag: 'tag:yaml.org,2002:int', test: /^[-+]?0[0-7]+$/, resolve: (s: string) => legacyOctal(s)! };

/** Parses one Compose file's text with the yaml package; the result is the top-level mapping. */
export function parseWithYamlPackage(path: string, text: string): Obj {
  const { parseDocument, isScalar } = yamlModule();
  const src = new SourceFile(path, text);
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: false, version: '1.2', strict: true, customTags: (tags) => [OCTAL, ...tags] });
  } catch (e) {
    // The yaml package's composer recurses once per nesting level.
    if (e instanceof RangeError) throw new ComposeError('document is nested too deeply', { file: path, line: 1, col: 1 });
    throw e;
  }
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
