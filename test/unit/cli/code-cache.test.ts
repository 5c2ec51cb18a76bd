// The V8 code cache of the CLI bundle (src/cli/code-cache.cts): real runs of
// bin/berth and of loadBundle in child processes, real cache files in a
// private directory. A cache must never change what a command prints, and a
// stale, damaged, foreign or rejected one must be ignored and replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berthBin, isRoot, repoRoot, tempDir } from '../../helpers/env.js';

const COMPOSE = `services:
  web:
    image: busybox
    ports: ["127.0.0.1:8080:80"]
    healthcheck:
      test: ["CMD", "true"]
      interval: 10s
    depends_on: [db]
  db:
    image: busybox
    environment:
      - A=\${A:-1}
`;

function project(t: { after: (fn: () => void) => void }): { dir: string; cache: string } {
  const d = tempDir('berth-cc-');
  t.after(d.cleanup);
  writeFileSync(join(d.path, 'compose.yaml'), COMPOSE);
  return { dir: d.path, cache: join(d.path, 'cache') };
}

function berth(dir: string, env: Record<string, string>, args = ['config'], node: string[] = []) {
  const r = spawnSync(process.execPath, [...node, berthBin, ...args], {
    cwd: dir, encoding: 'utf8', env: { ...process.env, BERTH_CODE_CACHE_DEBUG: '1', ...env },
  });
  const state = /^berth: code cache (\w+)$/m.exec(r.stderr)?.[1] ?? 'none';
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/^berth: code cache \w+\n/m, ''), state };
}

/** What the ES module bundle prints: the reference every cached run must match. */
function reference(dir: string, args = ['config']): string {
  const r = berth(dir, { BERTH_CODE_CACHE: '0' }, args);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.state, 'none');
  return r.stdout;
}

test('bundle: berth.cjs carries its hash and is ASCII only', () => {
  const text = readFileSync(join(repoRoot, 'dist/bundle/berth.cjs'), 'latin1');
  assert.match(text, /^\/\/ berth-bundle [0-9a-f]{64}\n/);
  assert.ok(!/[^\x00-\x7f]/.test(text), 'non-ASCII character in berth.cjs');
});

test('first run writes the cache, the next one uses it; output unchanged', (t) => {
  const p = project(t);
  const ref = reference(p.dir);
  const first = berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache });
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.state, 'miss');
  assert.equal(first.stdout, ref);
  assert.deepEqual(readdirSync(p.cache), ['config.v8cache']);
  const second = berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache });
  assert.equal(second.state, 'hit');
  assert.equal(second.stdout, ref);
  // Each command has its own cache; a failing run writes none.
  const bad = berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache }, ['config', 'no-such-service']);
  assert.notEqual(bad.status, 0);
  assert.deepEqual(readdirSync(p.cache).sort(), ['config.v8cache']);
  const json = berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache }, ['-p', 'x', 'version', '--format', 'json']);
  assert.equal(json.status, 0, json.stderr);
  assert.deepEqual(readdirSync(p.cache).sort(), ['config.v8cache', 'version.v8cache']);
});

test('the first three successful runs may each replace the cache with a bigger one; later ones leave it', (t) => {
  const p = project(t);
  const file = join(p.cache, 'config.v8cache');
  const runsOf = () => Number(readFileSync(file).subarray(0, 300).toString('latin1').split('\n')[0]!.split(' ').at(-1));
  // `config -q` stops before the YAML emitter: its cache leaves those functions out.
  assert.equal(berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache }, ['config', '-q']).state, 'miss');
  assert.equal(runsOf(), 1);
  const small = statSync(file).size;
  const full = berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache });
  assert.equal(full.state, 'hit');
  assert.equal(full.stdout, reference(p.dir));
  assert.equal(runsOf(), 2);
  assert.ok(statSync(file).size > small, `a run that compiled more made it bigger (${small} -> ${statSync(file).size})`);
  const big = readFileSync(file);
  assert.equal(berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache }, ['config', '-q']).state, 'hit');
  assert.equal(runsOf(), 3);
  assert.ok(statSync(file).size >= big.length, 'a shorter run never shrinks it');
  const settled = readFileSync(file);
  for (let i = 0; i < 2; i++) assert.equal(berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache }).state, 'hit');
  assert.ok(readFileSync(file).equals(settled), 'past three runs the file is left as it is');
});

test('a cache file with another key (older bundle, other Node) is replaced', (t) => {
  const p = project(t);
  const ref = reference(p.dir);
  berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache });
  const file = join(p.cache, 'config.v8cache');
  const data = readFileSync(file);
  const nl = data.indexOf(10);
  const header = data.subarray(0, nl).toString('latin1').replace(/ [0-9a-f]{64} /, ` ${'0'.repeat(64)} `);
  writeFileSync(file, Buffer.concat([Buffer.from(header, 'latin1'), data.subarray(nl)]));
  const r = berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache });
  assert.equal(r.state, 'miss');
  assert.equal(r.stdout, ref);
  assert.equal(berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache }).state, 'hit');
});

test('a damaged cache is rejected without a crash, then rewritten', (t) => {
  const p = project(t);
  const ref = reference(p.dir);
  berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache });
  const file = join(p.cache, 'config.v8cache');
  const good = readFileSync(file);
  const payload = good.indexOf(10) + 1;
  const damaged: Array<[string, Buffer]> = [];
  for (const at of [payload + 40, payload + 5000, Math.floor((good.length + payload) / 2), good.length - 64]) {
    const b = Buffer.from(good);
    for (let i = 0; i < 8; i++) b[at + i] ^= 0xa5;
    damaged.push([`flipped at ${at}`, b]);
  }
  damaged.push(['truncated', good.subarray(0, Math.floor(good.length / 2))]);
  damaged.push(['header only', good.subarray(0, payload)]);
  damaged.push(['zeros', Buffer.alloc(good.length)]);
  for (const [what, bytes] of damaged) {
    writeFileSync(file, bytes);
    const r = berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache });
    assert.equal(r.status, 0, `${what}: ${r.stderr}`);
    assert.equal(r.stdout, ref, what);
    assert.ok(r.state === 'rejected' || r.state === 'miss', `${what}: ${r.state}`);
    assert.equal(berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache }).state, 'hit', `${what}: not rewritten`);
  }
});

test('a cache V8 rejects (other V8 flags) is replaced', (t) => {
  const p = project(t);
  const ref = reference(p.dir);
  assert.equal(berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache }, ['config'], ['--no-opt']).state, 'miss');
  const r = berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache });
  assert.equal(r.state, 'rejected');
  assert.equal(r.stdout, ref);
  assert.equal(berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache }).state, 'hit');
});

test('no writable cache directory: the ES module bundle runs, nothing is written', (t) => {
  const p = project(t);
  const ref = reference(p.dir);
  // A directory that cannot be made: its parent is a file.
  writeFileSync(join(p.dir, 'file'), '');
  const r = berth(p.dir, { BERTH_CODE_CACHE_DIR: join(p.dir, 'file', 'cache') });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.state, 'none');
  assert.equal(r.stdout, ref);
  assert.equal(berth(p.dir, { BERTH_CODE_CACHE: '0' }).state, 'none');
});

test('read-only for this user: a cache is used but never written; a foreign one is ignored', { skip: !isRoot && 'needs root to run as another user' }, (t) => {
  const p = project(t);
  const ref = reference(p.dir);
  const asNobody = (env: Record<string, string>) => {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, berthBin, 'config'], {
      cwd: p.dir, encoding: 'utf8', env: { ...process.env, BERTH_CODE_CACHE_DEBUG: '1', ...env },
    });
    return { status: r.status, stdout: r.stdout, state: /^berth: code cache (\w+)$/m.exec(r.stderr)?.[1] ?? 'none', stderr: r.stderr };
  };
  // The repository must be readable by nobody for this to say anything.
  const probe = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'test', '-r', join(repoRoot, 'dist/bundle/berth.cjs')]);
  if (probe.status !== 0) { t.skip('the repository is not readable by nobody'); return; }
  chmodSync(p.dir, 0o755);
  mkdirSync(p.cache, { mode: 0o755 });
  const none = asNobody({ BERTH_CODE_CACHE_DIR: p.cache });
  assert.equal(none.status, 0, none.stderr);
  assert.equal(none.state, 'none');
  assert.equal(none.stdout, ref);
  assert.deepEqual(readdirSync(p.cache), []);
  // root's cache serves everyone.
  assert.equal(berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache }).state, 'miss');
  const hit = asNobody({ BERTH_CODE_CACHE_DIR: p.cache });
  assert.equal(hit.state, 'hit', hit.stderr);
  assert.equal(hit.stdout, ref);
  // A cache owned by another user is code this user did not make: ignored.
  chownSync(join(p.cache, 'config.v8cache'), 65534, 65534);
  const foreign = berth(p.dir, { BERTH_CODE_CACHE_DIR: p.cache });
  assert.equal(foreign.state, 'miss');
  assert.equal(foreign.stdout, ref);
  assert.equal(statSync(join(p.cache, 'config.v8cache')).uid, 0, 'rewritten by root');
});

/** Runs loadBundle on a small bundle of our own in a fresh process; prints "<cache state> <main's result>". */
function runBundle(bundle: string, cache: string): string {
  const driver = `import(${JSON.stringify(join(repoRoot, 'dist/src/cli/code-cache.cjs'))}).then(async ({ loadBundle }) => {
    const b = loadBundle(${JSON.stringify(bundle)}, ['run']);
    const code = await b.main([]);
    b.finish(0);
    process.stdout.write(b.cache + ' ' + code);
  });`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', driver], { encoding: 'utf8', env: { ...process.env, BERTH_CODE_CACHE_DIR: cache } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function writeBundle(path: string, hash: string, result: number): void {
  // The same size whatever the result: only the content and the mtime tell the versions apart.
  writeFileSync(path, `// berth-bundle ${hash}\nexports.main = async function main() { const f = (x) => x * 2; return f(${String(result).padStart(4, ' ')}); };\n`);
}

test('after a rebuild the old cache is never used, even for a bundle of the same size', (t) => {
  const d = tempDir('berth-cc-');
  t.after(d.cleanup);
  const bundle = join(d.path, 'berth.cjs');
  const cache = join(d.path, 'cache');
  writeBundle(bundle, 'a'.repeat(64), 21);
  assert.equal(runBundle(bundle, cache), 'miss 42');
  assert.equal(runBundle(bundle, cache), 'hit 42');
  // A new build: new content and hash, same length.
  writeBundle(bundle, 'b'.repeat(64), 50);
  assert.equal(runBundle(bundle, cache), 'miss 100');
  assert.equal(runBundle(bundle, cache), 'hit 100');
  // Content changed but the hash line not (an edited file): the mtime still changes the key.
  const before = statSync(bundle);
  writeBundle(bundle, 'b'.repeat(64), 7);
  utimesSync(bundle, before.atime, new Date(before.mtimeMs + 5000));
  assert.equal(runBundle(bundle, cache), 'miss 14');
  assert.ok(existsSync(join(cache, 'run.v8cache')));
});
