// The README's commands, read from its fenced `sh` blocks, so that tests run
// exactly what a reader types.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './env.js';

/** The lines of the first ```sh block under the heading that starts with `heading`. */
export function readmeBlock(heading: string, text = readFileSync(join(repoRoot, 'README.md'), 'utf8')): string[] {
  const at = text.split('\n').findIndex((l) => l.startsWith(`## ${heading}`));
  if (at < 0) throw new Error(`README has no "## ${heading}" section`);
  const rest = text.split('\n').slice(at + 1);
  const end = rest.findIndex((l) => l.startsWith('## '));
  const section = rest.slice(0, end < 0 ? undefined : end);
  const open = section.indexOf('```sh');
  if (open < 0) throw new Error(`README "## ${heading}" has no sh block`);
  const close = section.indexOf('```', open + 1);
  return section.slice(open + 1, close).filter((l) => l.trim() !== '');
}

/** The quick start's berth command line, as arguments after bin/berth. */
export function readmeQuickstartArgs(): string[] {
  const line = readmeBlock('Quick start').find((l) => l.startsWith('bin/berth '));
  if (!line) throw new Error('README quick start has no bin/berth line');
  return line.split(/\s+/).slice(1);
}
