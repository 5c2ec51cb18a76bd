// The js-yaml schema berth reads Compose files with: YAML 1.2 core scalars
// resolved exactly as the yaml package resolves them (js-yaml's own core
// types also take 0b101 and reject +.5) but for leading-zero octal integers
// (see legacyOctal), `<<` merge keys, and the Compose tags !reset and !override.
import { FAILSAFE_SCHEMA, Type, types, type Schema } from 'js-yaml';

function scalarType(tag: string, re: RegExp, construct: (s: string) => unknown): Type {
  return new Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (d) => typeof d === 'string' && re.test(d),
    construct: (d) => construct(d as string),
  });
}

/**
 * docker compose's YAML parser (Go's yaml.v3) reads a leading-zero integer
 * such as `mode: 0440` as octal, as YAML 1.1 did; YAML 1.2 would read 440.
 * Compose files rely on it for file modes, so berth reads them the same way.
 */
export function legacyOctal(s: string): number | undefined {
  if (!/^[-+]?0[0-7]+$/.test(s)) return undefined;
  const v = parseInt(s.replace(/^[-+]/, ''), 8);
  return s[0] === '-' ? -v : v;
}

const FLOAT_SPECIAL: Record<string, number> = { inf: Infinity, Inf: Infinity, INF: Infinity, nan: NaN, NaN: NaN, NAN: NaN };

const RULES: Array<[string, RegExp, (s: string) => unknown]> = [
  ['null', /^(?:~|null|Null|NULL|)$/, () => null],
  ['bool', /^(?:true|True|TRUE|false|False|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'],
  ['int', /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/, (s) => (s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : legacyOctal(s) ?? Number(s))],
  ['float', /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/, (s) => {
    const m = /^([-+]?)\.(inf|Inf|INF|nan|NaN|NAN)$/.exec(s);
    return m ? (m[1] === '-' ? -1 : 1) * FLOAT_SPECIAL[m[2]!]! : Number(s);
  }],
];
const CORE = RULES.map(([tag, re, construct]) => scalarType(tag, re, construct));

/** A plain (unquoted) scalar's value, resolved by the same types in the same order as js-yaml does with this schema. */
export function resolvePlain(s: string): unknown {
  // Every rule needs one of these first characters (or the empty string): most strings skip the regexes.
  if (s !== '' && !'~nNtTfF+-.0123456789'.includes(s[0]!)) return s;
  for (const [, re, construct] of RULES) if (re.test(s)) return construct(s);
  return s;
}

/** YAML 1.2 core scalars, `<<` merge keys, and !reset/!override values built by `tagged`. */
export function composeSchema(tagged: (data: unknown, tag: '!reset' | '!override') => unknown): Schema {
  return FAILSAFE_SCHEMA.extend({
    implicit: [...CORE, types.merge],
    explicit: (['scalar', 'sequence', 'mapping'] as const).flatMap((kind) => [
      new Type('!reset', { kind, construct: (d) => tagged(d, '!reset') }),
      new Type('!override', { kind, construct: (d) => tagged(d, '!override') }),
    ]),
  });
}
