// Bundles the compiled CLI (dist/src/cli/main.js) into dist/bundle/ with
// esbuild, so a cold start reads a few files instead of ~200 small ESM
// modules. Code behind `await import()` goes to separate chunks (splitting),
// so a command still loads only what it uses. bin/berth prefers the bundle
// and falls back to dist/src when it is absent (or BERTH_NO_BUNDLE=1).
// Run after tsc; `npm run build:ts`, `prepare` and scripts/test.mjs do.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/bundle');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // esbuild is a devDependency: without it the CLI runs from dist/src.
  rmSync(outdir, { recursive: true, force: true });
  process.stderr.write('bundle: esbuild not installed, bin/berth will load dist/src\n');
  process.exit(0);
}

rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: {
    main: join(root, 'dist/src/cli/main.js'),
    // The DNS responder is its own process, started on the first network:
    // its start-up is on the path of `up` (src/network/dns/manager.ts).
    'dns/server': join(root, 'dist/src/network/dns/server.js'),
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  // Only the yaml package is loaded with a runtime require (see
  // src/compose/yaml-source.ts); CommonJS dependencies inside the bundle need
  // a real `require` for node: built-ins.
  banner: { js: "import { createRequire as __berthCreateRequire } from 'node:module';\nconst require = __berthCreateRequire(import.meta.url);" },
  // Less text to compile on every start; identifiers keep their names.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  logLevel: 'warning',
});
