// YAML source → plain JS values with positions (see loc.ts). The fast path
// (js-yaml) takes ordinary files; anything else, including every file with
// an error, goes through the yaml package, which reports it precisely.
import { parseFast } from './js-yaml-source.js';
import { parseWithYamlPackage } from './yaml-source.js';
import type { Obj } from './loc.js';

export * from './loc.js';

/** Parses one Compose file's text; the result is the top-level mapping. */
export function parseYaml(path: string, text: string): Obj {
  return parseFast(path, text) ?? parseWithYamlPackage(path, text);
}
