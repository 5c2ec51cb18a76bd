// YAML source → plain JS values, with positions (see loc.ts) when asked.
// js-yaml takes ordinary files; anything else, including every file with a
// syntax error, goes through the yaml package, which reports it precisely.
import { parseFast } from './js-yaml-source.js';
import { parsePlain } from './js-yaml-plain.js';
import { parseWithYamlPackage } from './yaml-source.js';
import type { Obj } from './loc.js';
import { checkText } from './text-guard.js';

export * from './loc.js';

/**
 * Parses one Compose file's text; the result is the top-level mapping.
 * Without `positions` nothing records where values came from (faster; used
 * first, and again with positions only when an error must be reported).
 */
export function parseYaml(path: string, text: string, positions = true): Obj {
  checkText(path, text);
  return (positions ? parseFast(path, text) : parsePlain(path, text)) ?? parseWithYamlPackage(path, text);
}
