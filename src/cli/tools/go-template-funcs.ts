// How Go prints values (fmt's %v) and the functions a docker --format
// template may call: Go's builtins (index, len, eq…, print, printf, println)
// and docker's own (json, join, split, title, lower, upper, pad, truncate).

/** Marks an object as a Go map: %v prints map[k:v] with sorted keys, json sorts keys, range goes in key order. */
const GO_MAP = Symbol('go-map');

export function goMap<T extends object>(o: T): T {
  Object.defineProperty(o, GO_MAP, { value: true, enumerable: false });
  return o;
}

export const isGoMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[GO_MAP] === true;

const sortedKeys = (o: object) => Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** fmt's %v: slices as [a b], maps as map[k:v], structs as {a b}, nil as <nil>, a missing value as <no value>. */
export function goString(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (isGoMap(v)) return `map[${sortedKeys(v).map((k) => `${k}:${goString(v[k])}`).join(' ')}]`;
  if (typeof v === 'object') return `{${Object.values(v as object).map(goString).join(' ')}}`;
  return String(v);
}

/** Go's encoding/json as docker's `json` function uses it: compact, map keys sorted, no HTML escaping. */
function goJson(v: unknown): string {
  return JSON.stringify(v === undefined ? null : v, (_k, val: unknown) => (isGoMap(val) ? Object.fromEntries(sortedKeys(val).map((k) => [k, val[k]])) : val));
}

/** Go's truth: false, 0, nil, and empty strings, slices and maps are false. */
export function truth(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isGoMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** fmt.Sprintf for the verbs templates use: %s %v %d %q %t %x %f and %%, with flags and width. */
function sprintf(format: string, args: unknown[]): string {
  let n = 0;
  return format.replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?([svdqtxXf%])/g, (_m, flags: string, width: string, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (n >= args.length) return `%!${verb}(MISSING)`;
    const a = args[n++];
    let s: string;
    if (verb === 'd') s = typeof a === 'number' ? String(Math.trunc(a)) : `%!d(${goString(a)})`;
    else if (verb === 'q') s = JSON.stringify(goString(a));
    else if (verb === 'x' || verb === 'X') s = typeof a === 'number' ? a.toString(16) : Buffer.from(goString(a)).toString('hex');
    else if (verb === 'f') s = typeof a === 'number' ? a.toFixed(prec === undefined ? 6 : Number(prec)) : `%!f(${goString(a)})`;
    else s = goString(a);
    if (verb === 'X') s = s.toUpperCase();
    if ((verb === 's' || verb === 'v') && prec !== undefined) s = s.slice(0, Number(prec));
    const w = Number(width || 0);
    if (s.length < w) s = flags.includes('-') ? s.padEnd(w) : s.padStart(w, flags.includes('0') && verb !== 's' ? '0' : ' ');
    return s;
  });
}

/** fmt.Sprint: a space between operands when neither is a string. */
function sprint(args: unknown[]): string {
  return args.map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + goString(a)).join('');
}

function basicEq(a: unknown, b: unknown): boolean {
  if (typeof a === 'object' && a !== null) throw new Error('incompatible types for comparison');
  return a === b;
}

function ordered(name: string, cmp: (c: number) => boolean) {
  return (a: unknown, b: unknown) => {
    if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) throw new Error(`${name}: incompatible types for comparison`);
    const [x, y] = [a as string, b as string];
    return cmp(x < y ? -1 : x > y ? 1 : 0);
  };
}

const str = (v: unknown) => (typeof v === 'string' ? v : goString(v));

function index(item: unknown, ...keys: unknown[]): unknown {
  let v = item;
  for (const k of keys) {
    if (Array.isArray(v) || typeof v === 'string') {
      if (typeof k !== 'number') throw new Error(`cannot index slice/array with ${typeof k}`);
      if (k < 0 || k >= v.length) throw new Error(`index out of range: ${k}`);
      v = v[k];
    } else if (typeof v === 'object' && v !== null) {
      v = (v as Record<string, unknown>)[String(k)];
    } else if (v === undefined || v === null) {
      throw new Error('index of untyped nil');
    } else {
      throw new Error(`can't index item of type ${typeof v}`);
    }
  }
  return v;
}

export const FUNCS: Record<string, (...a: unknown[]) => unknown> = {
  // docker/cli templates.basicFunctions
  json: (v) => goJson(v),
  join: (list, sep) => (Array.isArray(list) ? list.map(str).join(str(sep)) : str(list)),
  split: (s, sep) => str(s).split(str(sep)),
  title: (s) => str(s).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase()),
  lower: (s) => str(s).toLowerCase(),
  upper: (s) => str(s).toUpperCase(),
  pad: (s, prefix, suffix) => (str(s) === '' ? '' : ' '.repeat(Number(prefix)) + str(s) + ' '.repeat(Number(suffix))),
  truncate: (s, n) => (str(s).length < Number(n) ? str(s) : str(s).slice(0, Number(n))),
  // Go text/template builtins
  index,
  len: (v) => {
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (typeof v === 'object' && v !== null) return Object.keys(v).length;
    throw new Error(`len of ${goString(v)}`);
  },
  slice: (v, from = 0, to?) => {
    if (typeof v !== 'string' && !Array.isArray(v)) throw new Error(`can't slice item of type ${typeof v}`);
    return v.slice(Number(from), to === undefined ? undefined : Number(to));
  },
  not: (v) => !truth(v),
  and: (...a) => a.find((x) => !truth(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => truth(x)) ?? a[a.length - 1],
  eq: (a, ...bs) => bs.some((b) => basicEq(a, b)),
  ne: (a, b) => !basicEq(a, b),
  lt: ordered('lt', (c) => c < 0), le: ordered('le', (c) => c <= 0),
  gt: ordered('gt', (c) => c > 0), ge: ordered('ge', (c) => c >= 0),
  print: (...a) => sprint(a),
  println: (...a) => `${a.map(goString).join(' ')}\n`,
  printf: (f, ...a) => sprintf(str(f), a),
};
