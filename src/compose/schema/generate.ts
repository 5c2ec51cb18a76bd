// Compiles the Compose schema with ajv into standalone ES module code (used
// by the build, scripts/gen-compose-validator.mjs, and by the up-to-date
// test; never at run time).
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { composeSchema } from './compose-schema.js';

export const AJV_OPTIONS = { allErrors: false, strict: false, validateSchema: false, inlineRefs: false, messages: false, code: { source: true, esm: true, optimize: 1 } } as const;

// Equality of parsed YAML values (plain data: no cycles, no class instances).
const DEEP_EQUAL = `
function __deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a !== a && b !== b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !__deepEqual(a[k], b[k])) return false;
  return true;
}
`;

export function generateValidatorSource(): string {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { ...AJV_OPTIONS.code } });
  const validate = ajv.compile(composeSchema);
  type Gen = (a: Ajv, v: unknown) => string;
  const mod = standaloneCode as unknown as { default?: Gen } & Gen;
  const standalone: Gen = mod.default ?? mod;
  // ajv's standalone output `require`s its deep-equal helper for uniqueItems
  // over mappings (ports, volumes); the module is ESM, so inline a small one.
  const code = standalone(ajv, validate).replace(/require\("ajv\/dist\/runtime\/equal"\)\.default/g, '__deepEqual') + DEEP_EQUAL;
  return `// GENERATED at build time by scripts/gen-compose-validator.mjs from compose-schema.ts.\n/* eslint-disable */\n${code}\n`;
}
