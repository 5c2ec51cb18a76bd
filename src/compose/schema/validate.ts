// Schema validation, mapping ajv's errors to one positioned line such as
// `compose.yaml:3:5: services.web: additional property "imagee" is not allowed`.
// The validator is ajv's standalone output for compose-schema.ts, generated
// into dist/ at build time (scripts/gen-compose-validator.mjs): compiling the
// schema at start-up would cost ~150 ms of every `berth config`, and the
// generated code needs nothing from ajv at run time.
import type { ErrorObject } from 'ajv';
import { ComposeError, pathString } from '../errors.js';
import { posAt } from '../source.js';
import { validate } from './validator.generated.js';

function toPath(root: unknown, instancePath: string): Array<string | number> {
  if (instancePath === '') return [];
  const out: Array<string | number> = [];
  let cur: unknown = root;
  for (const raw of instancePath.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key: string | number = Array.isArray(cur) ? Number(seg) : seg;
    out.push(key);
    cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[key] : undefined;
  }
  return out;
}

function valueAt(root: unknown, path: Array<string | number>): unknown {
  let cur = root;
  for (const k of path) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[k] : undefined;
  return cur;
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `a string "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  return `${typeof v === 'number' ? 'a number' : 'a boolean'} (${String(v)})`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string', number: 'a number', integer: 'an integer', boolean: 'a boolean', null: 'null', object: 'a mapping', array: 'a list',
};

function joinOr(xs: string[]): string {
  const u = [...new Set(xs)];
  return u.length <= 1 ? (u[0] ?? '') : `${u.slice(0, -1).join(', ')} or ${u[u.length - 1]}`;
}

const RANK: Record<string, number> = { additionalProperties: 0, required: 1, enum: 2, const: 2, pattern: 3, minimum: 3, maximum: 3, type: 5 };

/** Picks the most telling error: the deepest path, then the most specific keyword. */
function pick(errors: ErrorObject[]): ErrorObject[] {
  const real = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
  const pool = real.length ? real : errors;
  const depth = (e: ErrorObject) => (e.instancePath === '' ? 0 : e.instancePath.split('/').length) + (e.keyword === 'additionalProperties' || e.keyword === 'required' ? 0.5 : 0);
  const max = Math.max(...pool.map(depth));
  const deepest = pool.filter((e) => depth(e) === max);
  const best = Math.min(...deepest.map((e) => RANK[e.keyword] ?? 4));
  return deepest.filter((e) => (RANK[e.keyword] ?? 4) === best);
}

function describe(root: unknown, errors: ErrorObject[]): ComposeError {
  const chosen = pick(errors);
  const e = chosen[0]!;
  const path = toPath(root, e.instancePath);
  const value = valueAt(root, path);
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String((e.params as { additionalProperty: string }).additionalProperty);
      const named = path.length === 1 && ['services', 'networks', 'volumes', 'secrets', 'configs'].includes(String(path[0]));
      const msg = named ? `invalid name "${prop}": use only letters, digits, ".", "_" and "-"` : `additional property "${prop}" is not allowed`;
      return new ComposeError(msg, posAt(root, [...path, prop], 'key'), pathString(path) || undefined);
    }
    case 'required': {
      const prop = String((e.params as { missingProperty: string }).missingProperty);
      return new ComposeError(`missing required property "${prop}"`, posAt(root, path), pathString(path) || undefined);
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v));
      return new ComposeError(`expected one of ${allowed.join(', ')}, got ${kind(value)}`, posAt(root, path), pathString(path));
    }
    case 'type': {
      const types = chosen.filter((c) => c.instancePath === e.instancePath).flatMap((c) => {
        const t = (c.params as { type: string | string[] }).type;
        return Array.isArray(t) ? t : [t];
      });
      const names = types.map((t) => TYPE_NAMES[t] ?? t);
      return new ComposeError(`expected ${joinOr(names)}, got ${kind(value)}`, posAt(root, path), pathString(path) || 'top level');
    }
    case 'uniqueItems': {
      // ajv reports the later index as i and the earlier as j.
      const { i, j } = e.params as { i: number; j: number };
      const [first, dup] = [Math.min(i, j), Math.max(i, j)];
      const item = Array.isArray(value) ? value[dup] : undefined;
      return new ComposeError(`duplicate entry ${JSON.stringify(item)}: items ${first} and ${dup} are the same`, posAt(root, [...path, dup]), pathString([...path, dup]));
    }
    case 'minimum':
    case 'maximum': {
      const { comparison, limit } = e.params as { comparison: string; limit: number };
      return new ComposeError(`must be ${comparison} ${limit}, got ${String(value)}`, posAt(root, path), pathString(path));
    }
    case 'pattern':
      if (typeof value === 'string' && /^__proto__([=:]|$)/.test(value)) return new ComposeError('key "__proto__" is not allowed', posAt(root, path), pathString(path));
      return new ComposeError(`invalid value ${JSON.stringify(value)} (must match /${(e.params as { pattern: string }).pattern}/)`, posAt(root, path), pathString(path));
    default:
      return new ComposeError(e.message ?? `does not match the schema (${e.keyword} ${JSON.stringify(e.params)})`, posAt(root, path), pathString(path) || undefined);
  }
}

/** Throws a ComposeError for the first schema violation in `model`. */
export function validateSchema(model: unknown): void {
  if (!validate(model)) throw describe(model, validate.errors ?? []);
}
