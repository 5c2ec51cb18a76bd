// The fastest YAML path, for projects that load without error: js-yaml's
// values as they are, with no positions (positions are only needed to report
// an error, and the loader then loads the project again with them, see
// project.ts). What remains to do here: give each alias its own copy (js-yaml
// shares the anchored object, and interpolation changes values in place) and
// turn !reset/!override into the tags the merge reads.
import { load } from 'js-yaml';
import { ComposeError } from './errors.js';
import { MAX_YAML_NODES } from './text-guard.js';
import { composeSchema } from './js-yaml-schema.js';
import { ensureLoc, isObj, type Obj } from './loc.js';
import { parseBlockYaml } from './yaml-block.js';

class Tagged {
  constructor(readonly value: unknown, readonly tag: '!reset' | '!override') {}
}

const schema = composeSchema((d, tag) => new Tagged(d, tag));
const MAX_NODES = MAX_YAML_NODES;

class Owner {
  private readonly seen = new Set<object>();
  private count = 0;

  /** v itself, or a copy when it was already used elsewhere in the tree; children likewise. */
  own(v: unknown, depth: number): unknown {
    if (v === null || typeof v !== 'object') return v;
    if (++this.count > MAX_NODES) throw new ComposeError('document expands to too many nodes (alias bomb?)');
    if (depth > 200) throw new ComposeError('document is nested too deeply');
    let c = v as Obj | unknown[];
    if (this.seen.has(c)) c = Array.isArray(c) ? [...c] : { ...c };
    this.seen.add(c);
    if (Array.isArray(c)) {
      for (let i = 0; i < c.length; i++) c[i] = this.child(c, i, depth);
    } else {
      if (Object.hasOwn(c, '__proto__')) throw new ComposeError('key "__proto__" is not allowed');
      for (const k of Object.keys(c)) c[k] = this.child(c, k, depth);
    }
    return c;
  }

  private child(parent: Obj | unknown[], key: string | number, depth: number): unknown {
    let x = (parent as Record<string | number, unknown>)[key];
    if (x instanceof Tagged) {
      ensureLoc(parent).tags.set(key, x.tag);
      x = x.value;
    }
    return this.own(x, depth + 1);
  }
}

/** Mappings and sequences in v once shared (aliased) values are counted each time they are used; memoized. */
function expanded(v: unknown, sizes: Map<object, number>): number {
  if (v instanceof Tagged) return expanded(v.value, sizes);
  if (v === null || typeof v !== 'object') return 0;
  const known = sizes.get(v);
  if (known !== undefined) return known;
  sizes.set(v, 1);
  let size = 1;
  for (const x of Array.isArray(v) ? v : Object.values(v)) if ((size += expanded(x, sizes)) > MAX_NODES) break;
  sizes.set(v, size);
  return size;
}

/** Parses without positions; undefined when js-yaml does not take the text (the careful path decides). */
export function parsePlain(path: string, text: string): Obj | undefined {
  return parseBlockYaml(text) ?? parseWithJsYaml(path, text);
}

/** parsePlain with js-yaml alone (the reference that parseBlockYaml must match). */
export function parseWithJsYaml(path: string, text: string): Obj | undefined {
  let v: unknown;
  try {
    v = load(text, { schema, filename: path, maxDepth: 200 });
  } catch (e) {
    // Too deep for js-yaml is too deep for anyone: the yaml package would recurse until the stack gives out.
    if (/maxDepth/.test((e as Error).message)) throw new ComposeError('document is nested too deeply');
    return undefined;
  }
  if (!isObj(v)) return undefined;
  if (expanded(v, new Map()) > MAX_NODES) throw new ComposeError('document expands to too many nodes (alias bomb?)');
  return new Owner().own(v, 0) as Obj;
}
