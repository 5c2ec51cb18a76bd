// How berth reads a plain (unquoted) scalar: YAML 1.2 core scalars, as the
// yaml package's core schema resolves them, but for leading-zero octal
// integers (see legacyOctal). The yaml path (yaml-source.ts) gets this from
// the yaml package plus one custom tag; the line reader (yaml-block.ts)
// cannot load the package on its quick path and resolves with resolvePlain.
// test/unit/compose/yaml-block.test.ts holds the two to the same values.

/**
 * docker compose's YAML parser (Go's yaml.v3) reads a leading-zero integer
 * such as `mode: 0440` as octal, as YAML 1.1 did; YAML 1.2 would read 440.
 * Compose files rely on it for file modes, so berth reads them the same way.
 */
export function legacyOctal(s: string): number | undefined {
  if (!LEGACY_OCTAL.test(s)) return undefined;
  const v = parseInt(s.replace(/^[-+]/, ''), 8);
  return s[0] === '-' ? -v : v;
}

export const LEGACY_OCTAL = /^[-+]?0[0-7]+$/;

const FLOAT_SPECIAL: Record<string, number> = { inf: Infinity, Inf: Infinity, INF: Infinity, nan: NaN, NaN: NaN, NAN: NaN };

const RULES: Array<[RegExp, (s: string) => unknown]> = [
  [/^(?:~|null|Null|NULL|)$/, () => null],
  [/^(?:true|True|TRUE|false|False|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'],
  [/^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/, (s) => (s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : legacyOctal(s) ?? Number(s))],
  [/^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/, (s) => {
    const m = /^([-+]?)\.(inf|Inf|INF|nan|NaN|NAN)$/.exec(s);
    return m ? (m[1] === '-' ? -1 : 1) * FLOAT_SPECIAL[m[2]!]! : Number(s);
  }],
];

/** A plain scalar's value: null, boolean, number or the string itself. */
export function resolvePlain(s: string): unknown {
  // Every rule needs one of these first characters (or the empty string): most strings skip the regexes.
  if (s !== '' && !'~nNtTfF+-.0123456789'.includes(s[0]!)) return s;
  for (const [re, construct] of RULES) if (re.test(s)) return construct(s);
  return s;
}
