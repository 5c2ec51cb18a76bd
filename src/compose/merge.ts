// Merging Compose files (and extends) by the spec's merge rules: mappings
// merge key by key, sequences append (identical scalars once), command /
// entrypoint / healthcheck.test are replaced, ports/volumes/secrets/configs
// merge by their unique key, list-or-dict fields merge as mappings, and the
// `!reset` / `!override` tags remove or replace a value.
import { ComposeError } from './errors.js';
import { copyLoc, ensureLoc, isObj, locOf, posAt, tagOf, type Obj } from './source.js';
import { parsePortString, parseVolumeString } from './syntax.js';

type Path = string[];

/** Fields that are replaced, not merged (path pattern with * for any name). */
const REPLACE = new Set(['services.*.command', 'services.*.entrypoint', 'services.*.healthcheck.test']);
/** List-or-dict fields merged as mappings. */
const AS_MAP = new Set([
  'services.*.environment', 'services.*.labels', 'services.*.annotations', 'services.*.build.args',
  'services.*.build.labels', 'services.*.sysctls', 'services.*.extra_hosts', 'services.*.depends_on',
  'services.*.networks', 'services.*.build.additional_contexts', 'services.*.ulimits',
  'services.*.deploy.labels', 'networks.*.labels', 'volumes.*.labels', 'networks.*.driver_opts', 'volumes.*.driver_opts',
]);
/** Sequences whose entries merge by a unique key. */
export const KEYED: Record<string, (v: unknown) => string | undefined> = {
  'services.*.ports': portKey,
  'services.*.volumes': volumeKey,
  'services.*.secrets': (v) => refKey(v, '/run/secrets/'),
  'services.*.configs': (v) => refKey(v, '/'),
  'services.*.devices': deviceKey,
  'services.*.env_file': envFileKey,
};
/** Fields written as a string or a list: a string merges as a one-entry list. */
const STRING_OR_LIST = new Set(['services.*.dns', 'services.*.dns_search', 'services.*.tmpfs', 'services.*.env_file', 'services.*.label_file']);

function pattern(path: Path): string {
  // services.<name>.x → services.*.x; also networks.<n>, volumes.<n>.
  if (path.length >= 2 && ['services', 'networks', 'volumes', 'secrets', 'configs'].includes(path[0]!)) {
    return [path[0], '*', ...path.slice(2)].join('.');
  }
  return path.join('.');
}

function portKey(v: unknown): string | undefined {
  if (typeof v === 'string' || typeof v === 'number') {
    try {
      const p = parsePortString(String(v));
      if (p.length !== 1) return undefined;
      const x = p[0]!;
      return `${x.host_ip ?? ''}|${x.target}|${x.published ?? ''}|${x.protocol}`;
    } catch { return undefined; }
  }
  if (isObj(v)) return `${v.host_ip ?? ''}|${v.target}|${v.published ?? ''}|${v.protocol ?? 'tcp'}`;
  return undefined;
}

function volumeKey(v: unknown): string | undefined {
  if (typeof v === 'string') {
    try { return parseVolumeString(v).target; } catch { return undefined; }
  }
  return isObj(v) && typeof v.target === 'string' ? v.target : undefined;
}

/** A secret or config mount is identified by where it lands (its default target when none is given). */
function refKey(v: unknown, dir: string): string | undefined {
  const src = typeof v === 'string' ? v : isObj(v) ? v.source : undefined;
  const target = isObj(v) && typeof v.target === 'string' ? v.target : undefined;
  if (target !== undefined) return target.startsWith('/') ? target : dir + target;
  return typeof src === 'string' ? dir + src : undefined;
}

/** A device is identified by its path in the container. */
function deviceKey(v: unknown): string | undefined {
  if (isObj(v)) return String(v.target ?? v.source);
  if (typeof v !== 'string') return undefined;
  const parts = v.split(':');
  return parts.length >= 2 && !/^[rwm]+$/.test(parts[1]!) ? parts[1] : parts[0];
}

function envFileKey(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  return isObj(v) && typeof v.path === 'string' ? v.path : undefined;
}

/** A list of KEY=VALUE strings (or a mapping) as a mapping; undefined when not convertible. */
function listToMap(v: unknown, seps = '='): Obj | undefined {
  if (isObj(v)) return v;
  if (!Array.isArray(v)) return undefined;
  const out: Obj = {};
  for (let i = 0; i < v.length; i++) {
    const item = v[i];
    if (typeof item !== 'string') return undefined;
    let at = -1;
    for (const s of seps) { const j = item.indexOf(s); if (j >= 0 && (at < 0 || j < at)) at = j; }
    const k = at < 0 ? item : item.slice(0, at);
    if (k === '__proto__') throw new ComposeError('key "__proto__" is not allowed', posAt(v, [i]));
    out[k] = at < 0 ? null : item.slice(at + 1);
    copyLoc(v, i, out, k);
  }
  const l = locOf(v);
  if (l?.self) ensureLoc(out).self = l.self;
  return out;
}

function dependsOnMap(v: unknown): Obj | undefined {
  if (isObj(v)) return v;
  if (!Array.isArray(v)) return undefined;
  const out: Obj = {};
  v.forEach((s, i) => {
    if (typeof s !== 'string') return;
    out[s] = { condition: 'service_started' };
    copyLoc(v, i, out, s);
  });
  return out;
}

function mapForm(p: string, v: unknown): Obj | undefined {
  if (p.endsWith('.depends_on')) return dependsOnMap(v);
  if (p.endsWith('.networks')) {
    if (!Array.isArray(v)) return isObj(v) ? v : undefined;
    const out: Obj = {};
    v.forEach((s, i) => { if (typeof s === 'string') { out[s] = null; copyLoc(v, i, out, s); } });
    return out;
  }
  return listToMap(v, p.endsWith('.extra_hosts') ? '=:' : '=');
}

function sameScalar(a: unknown, b: unknown): boolean {
  return (a === null || typeof a !== 'object') && a === b;
}

/** Merges `over` onto `base` (neither is modified); `path` names where we are. */
function mergeValue(base: unknown, over: unknown, path: Path): unknown {
  const p = pattern(path);
  if (REPLACE.has(p)) return over;
  if (AS_MAP.has(p)) {
    const a = mapForm(p, base);
    const b = mapForm(p, over);
    if (a && b) return mergeObj(a, b, path);
    return over;
  }
  if (path.length === 2 && path[0] === 'services' && isObj(base) && isObj(over)) return mergeObj(base, over, path);
  // Logging options only merge when both files name the same driver (or one names none).
  if (p === 'services.*.logging' && isObj(base) && isObj(over)) {
    const same = base.driver === undefined || over.driver === undefined || base.driver === over.driver;
    return same ? mergeObj(base, over, path) : over;
  }
  if (STRING_OR_LIST.has(p) && (typeof base === 'string' || typeof over === 'string')) {
    return mergeValue(typeof base === 'string' ? [base] : base, typeof over === 'string' ? [over] : over, path);
  }
  if ((p === 'services.*.build' || p === 'services.*.extends') && (typeof base === 'string' || typeof over === 'string')) {
    const key = p.endsWith('build') ? 'context' : 'service';
    const a = typeof base === 'string' ? { [key]: base } : base;
    const b = typeof over === 'string' ? { [key]: over } : over;
    if (isObj(a) && isObj(b)) return mergeObj(a, b, path);
    return over;
  }
  if (isObj(base) && isObj(over)) return mergeObj(base, over, path);
  if (Array.isArray(base) && Array.isArray(over)) {
    const keyOf = KEYED[p];
    return keyOf ? mergeKeyed(base, over, keyOf) : appendUnique(base, over);
  }
  return over;
}

function appendUnique(a: unknown[], b: unknown[]): unknown[] {
  const out: unknown[] = [];
  const push = (src: unknown[], i: number) => {
    const v = src[i];
    if (out.some((x) => sameScalar(x, v))) return;
    copyLoc(src, i, out, out.length);
    out.push(v);
  };
  a.forEach((_, i) => push(a, i));
  b.forEach((_, i) => push(b, i));
  return out;
}

function mergeKeyed(a: unknown[], b: unknown[], keyOf: (v: unknown) => string | undefined): unknown[] {
  const out: unknown[] = [];
  const index = new Map<string, number>();
  const add = (src: unknown[], i: number) => {
    const v = src[i];
    const k = keyOf(v);
    const at = k === undefined ? undefined : index.get(k);
    if (at !== undefined) {
      out[at] = v;
      copyLoc(src, i, out, at);
      return;
    }
    if (k !== undefined) index.set(k, out.length);
    copyLoc(src, i, out, out.length);
    out.push(v);
  };
  a.forEach((_, i) => add(a, i));
  b.forEach((_, i) => add(b, i));
  return out;
}

export function mergeObj(base: Obj, over: Obj, path: Path): Obj {
  const out: Obj = {};
  const bl = locOf(base);
  const ol = locOf(over);
  const loc = ensureLoc(out);
  loc.self = ol?.self ?? bl?.self;
  for (const k of Object.keys(base)) {
    out[k] = base[k];
    copyLoc(base, k, out, k);
  }
  for (const k of Object.keys(over)) {
    const tag = tagOf(over, k);
    if (tag === '!reset') { delete out[k]; loc.keys.delete(k); loc.vals.delete(k); continue; }
    if (tag === '!override' || !Object.hasOwn(out, k)) {
      out[k] = over[k];
    } else {
      out[k] = mergeValue(out[k], over[k], [...path, k]);
    }
    copyLoc(over, k, out, k);
    loc.tags.delete(k);
  }
  return out;
}

/** Drops values tagged !reset in a single (unmerged) tree, recursively. */
export function applyResets(v: unknown): void {
  if (Array.isArray(v)) { v.forEach(applyResets); return; }
  if (!isObj(v)) return;
  for (const k of Object.keys(v)) {
    if (tagOf(v, k) === '!reset') delete v[k];
    else applyResets(v[k]);
  }
}
