// The house rules, read from the sources: src/cli turns flags into options and
// calls the project service (src/project); it never imports a driver or the
// reconciler directly, statically or lazily. And the BERTH_* configuration is
// read once, above the drivers (src/config.ts's config(), by the CLI and the
// project service's engine), and handed down: a driver may name its types,
// never read it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../helpers/env.js';

const FORBIDDEN = ['container', 'image', 'network', 'volume', 'state', 'native', 'logs', 'cp', 'events', 'reconcile'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.c?ts$/.test(e.name) ? [p] : [];
  });
}

/** Every module specifier a file names: `from '…'`, `import('…')`, `require('…')`, `export … from '…'`. */
export function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  return out;
}

test('specifiers finds static, lazy and re-exported imports', () => {
  const text = "import { a } from '../x.js';\nconst { b } = await import('../../y.js');\nexport { c } from './z.js';\nimport './side.js';\nrequire('../w.js');";
  assert.deepEqual(specifiers(text), ['../x.js', '../../y.js', './z.js', './side.js', '../w.js']);
});

/** The specifiers of a file's imports that bring in types only: `import type …`, `import { type A, type B }`, `export type … from`. */
export function typeOnlySpecifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(\{[^}]*\}|\*\s*as\s+\w+|\w+(?:\s*,\s*\{[^}]*\})?)\s*from\s*['"]([^'"]+)['"]/gm)) {
    const names = m[2]!.startsWith('{') ? m[2]!.slice(1, -1).split(',').map((n) => n.trim()).filter(Boolean) : undefined;
    if (m[1] || (names?.length && names.every((n) => /^type\s/.test(n)))) out.push(m[3]!);
  }
  return out;
}

test('typeOnlySpecifiers tells type imports from value imports', () => {
  const text = [
    "import type { A } from './a.js';", "import { type B, type C } from './b.js';", "export type { D } from './d.js';",
    "import { config, type E } from './e.js';", "import { config as f } from './f.js';", "import * as g from './g.js';", "import h from './h.js';",
  ].join('\n');
  assert.deepEqual(typeOnlySpecifiers(text), ['./a.js', './b.js', './d.js']);
});

/** The layers below the project service: none of them reads the configuration. */
const BELOW_SERVICE = ['container', 'network', 'image', 'volume', 'state', 'cluster', 'logs', 'cp', 'events', 'native', 'etcd', 'watch', 'convert', 'compose', 'reconcile'];

test('no driver reads the configuration: src/config.js is imported for its types only', () => {
  const src = join(repoRoot, 'src');
  const config = join(src, 'config.js');
  const bad: string[] = [];
  for (const dir of BELOW_SERVICE) {
    for (const file of sources(join(src, dir))) {
      const text = readFileSync(file, 'utf8');
      const isConfig = (spec: string) => spec.startsWith('.') && resolve(dirname(file), spec) === config;
      // Every import of it (lazy ones included) must be one of the type-only ones.
      const all = specifiers(text).filter(isConfig).length;
      const typeOnly = typeOnlySpecifiers(text).filter(isConfig).length;
      if (all > typeOnly) bad.push(relative(repoRoot, file));
    }
  }
  assert.deepEqual(bad, [], `drivers take configuration values as arguments (the engine passes them), never config()/readConfig():\n${bad.join('\n')}`);
});

test('src/cli imports no driver and no reconciler module', () => {
  const src = join(repoRoot, 'src');
  const cli = join(src, 'cli');
  const bad: string[] = [];
  for (const file of sources(cli)) {
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = relative(src, resolve(dirname(file), spec));
      const top = target.split('/')[0]!;
      if (FORBIDDEN.includes(top) || top === 'native.js') bad.push(`${relative(repoRoot, file)} → ${spec}`);
    }
  }
  assert.deepEqual(bad, [], `the CLI calls src/project, never a driver:\n${bad.join('\n')}`);
});
