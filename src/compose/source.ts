// YAML source → plain JS values, with positions (see loc.ts) when asked.
// One YAML path, the yaml package (yaml-source.ts), which decides every
// file and reports every error; in front of it, on the position-free load,
// a quick line reader (yaml-block.ts) that takes the block-style files most
// Compose files are and steps aside on anything else.
// test/unit/compose/yaml-block.test.ts requires the two to give equal values.
import { parseBlockYaml } from './yaml-block.js';
import { parseWithYamlPackage } from './yaml-source.js';
import type { Obj } from './loc.js';
import { checkText } from './text-guard.js';

export * from './loc.js';

/**
 * Parses one Compose file's text; the result is the top-level mapping.
 * Without `positions` nothing needs to record where values came from, so
 * the line reader may answer (used first, and again with positions only
 * when an error must be reported).
 */
export function parseYaml(path: string, text: string, positions = true): Obj {
  checkText(path, text);
  return (positions ? undefined : parseBlockYaml(text)) ?? parseWithYamlPackage(path, text);
}
