// Bundles the compiled CLI (dist/src/cli/main.js) into dist/bundle/ with
// esbuild, so a cold start reads a few files instead of ~200 small ESM
// modules. Code behind `await import()` goes to separate chunks (splitting),
// so a command still loads only what it uses. bin/berth prefers the bundle
// and falls back to dist/src when it is absent (or BERTH_NO_BUNDLE=1).
// Run after tsc; `npm run build:ts`, `prepare` and scripts/test.mjs do.
//
// It also writes dist/bundle/berth.cjs: the whole CLI as one CommonJS script,
// which bin/berth compiles through vm.Script with a V8 code cache (see
// src/cli/code-cache.cts). Its first line names the sha256 of the rest, the
// key of every cache made from it.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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

// node:child_process (~12 ms with the net, stream and dgram it pulls in),
// node:crypto (~8 ms), node:fs/promises (~5 ms) and the like are not needed
// to start most commands (`ps`, `logs`, `config`), yet the modules that use
// them load with every command that imports their area. Every import of them gets a stand-in that loads the
// real module on first use: esbuild reads named imports from the module
// object at each use (through getters when it wraps a CommonJS module), so
// one getter per export serves them all (commander included).
// node:http (the etcd client), node:readline (prompts), node:os (signal
// numbers), node:tls (extra CA certificates) and node:tty (is fd 2 a terminal?,
// which loads node:net) are likewise needed by few
// runs of the commands that import them.
const LAZY = Object.fromEntries(['child_process', 'crypto', 'net', 'dgram', 'fs/promises', 'stream/promises', 'http', 'readline', 'os', 'tls', 'tty'].map((m) => [m, `node:${m}`]));
const builtinRequire = createRequire(import.meta.url);
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    build.onResolve({ filter: /^(node:)?(child_process|crypto|net|dgram|fs\/promises|stream\/promises|http|readline|os|tls|tty)$/ }, (args) => (args.namespace === 'lazy-builtin'
      ? { path: args.path, external: true }  // the stand-in's own require of the real module
      : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      const id = JSON.stringify(LAZY[args.path]);
      const names = Object.keys(builtinRequire(LAZY[args.path])).filter((k) => k !== 'default');
      return {
        contents: `let m; const load = () => (m ??= require(${id}));\n` +
          `for (const k of ${JSON.stringify(names)}) Object.defineProperty(module.exports, k, { enumerable: true, get: () => load()[k] });\n`,
        loader: 'js',
      };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  plugins: [lazyBuiltins],
  entryPoints: {
    main: join(root, 'dist/src/cli/main.js'),
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

// The CommonJS build for the code cache. A script run by vm.Script has no
// module loader for import(), so every dynamic import becomes a require
// (esbuild keeps lazily imported modules lazy with init wrappers), and
// import.meta.url is a parameter of the wrapper that code-cache.cts builds.
const cjs = join(outdir, 'berth.cjs');
const result = await esbuild.build({
  plugins: [lazyBuiltins],
  entryPoints: [join(root, 'dist/src/cli/main.js')],
  outfile: cjs,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__berthImportMetaUrl' },
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  write: false,
  logLevel: 'warning',
});
// esbuild leaves non-ASCII characters in regular expression literals; one
// of them makes V8 hold the whole script as a two-byte string and decode it
// slowly. \uXXXX means the same in a regex, a string or a template literal.
const code = result.outputFiles[0].text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
// A runtime import() would throw inside vm.Script: refuse to ship one.
if (/(^|[^\w$.])import\(/.test(code)) {
  process.stderr.write('bundle: berth.cjs still contains import(); the code cache cannot load it\n');
  process.exit(1);
}
const hash = createHash('sha256').update(code).digest('hex');
writeFileSync(cjs, `// berth-bundle ${hash}\n${code}`);
