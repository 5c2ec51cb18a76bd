// The house rule, read from the sources: src/cli turns flags into options and
// calls the project service (src/project); it never imports a driver or the
// reconciler directly, statically or lazily.
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
