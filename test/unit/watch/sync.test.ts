// syncInto against a directory standing for a container's root: files,
// directories, deletions, type changes, links kept as links, paths in the
// "container" resolved inside its root, ignore applied to copied trees.
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, existsSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileRule } from '../../../src/watch/rules.js';
import { syncInto } from '../../../src/watch/sync.js';
import { Batcher } from '../../../src/watch/batcher.js';
import { tempDir } from '../../helpers/env.js';

test('syncInto: add, change, delete, type change, symlinks, new parents, ignore inside copied trees', async (t) => {
  const d = tempDir();
  t.after(d.cleanup);
  const host = join(d.path, 'host');
  const root = join(d.path, 'root');
  mkdirSync(join(host, 'dir/node_modules'), { recursive: true });
  mkdirSync(join(root, 'etc'), { recursive: true });
  // A hostile link in the container: /app/out → /etc must stay inside the root.
  mkdirSync(join(root, 'app'));
  symlinkSync('/etc', join(root, 'app/out'));
  writeFileSync(join(host, 'a.txt'), 'a');
  writeFileSync(join(host, 'dir/b.txt'), 'b');
  writeFileSync(join(host, 'dir/node_modules/c'), 'c');
  symlinkSync('/etc/passwd', join(host, 'link'));
  const rule = compileRule('app', 0, { path: host, action: 'sync', target: '/app/new/deep', ignore: ['dir/node_modules'] });
  const owner = { uid: process.getuid!(), gid: process.getgid!() };
  const target = { name: 'c1', root, owner };
  const entry = (rel: string) => ({ host: join(host, rel), container: rule.containerPath(join(host, rel)), rule });
  const at = (rel: string) => join(root, 'app/new/deep', rel);

  const r1 = await syncInto(target, [entry('a.txt'), entry('dir'), entry('dir/b.txt'), entry('link'), entry('gone')]);
  assert.deepEqual(r1.errors, []);
  assert.equal(readFileSync(at('a.txt'), 'utf8'), 'a');
  assert.equal(readFileSync(at('dir/b.txt'), 'utf8'), 'b');
  assert.equal(existsSync(at('dir/node_modules')), false, 'ignored inside a copied directory');
  assert.equal(readlinkSync(at('link')), '/etc/passwd');
  assert.equal(r1.copied, 3, 'dir/b.txt came with dir');

  // Changed, deleted, a directory replaced by a file.
  writeFileSync(join(host, 'a.txt'), 'a2');
  rmSync(join(host, 'dir'), { recursive: true });
  writeFileSync(join(host, 'dir'), 'now a file');
  const r2 = await syncInto(target, [entry('a.txt'), entry('dir'), entry('dir/b.txt')]);
  assert.deepEqual(r2.errors, []);
  assert.equal(readFileSync(at('a.txt'), 'utf8'), 'a2');
  assert.equal(readFileSync(at('dir'), 'utf8'), 'now a file');
  rmSync(join(host, 'a.txt'));
  assert.equal((await syncInto(target, [entry('a.txt')])).removed, 1);
  assert.equal(existsSync(at('a.txt')), false);

  // A target through the container's own symlink lands inside the root, never in the host's /etc.
  const esc = compileRule('app', 1, { path: host, action: 'sync', target: '/app/out' });
  writeFileSync(join(host, 'x.conf'), 'x');
  const r3 = await syncInto(target, [{ host: join(host, 'x.conf'), container: esc.containerPath(join(host, 'x.conf')), rule: esc }]);
  assert.deepEqual(r3.errors, []);
  assert.equal(readFileSync(join(root, 'etc/x.conf'), 'utf8'), 'x');
  assert.ok(lstatSync(join(root, 'app/out')).isSymbolicLink());
});

test('Batcher: a burst is one batch, a path written twice is in it once, batches never overlap', async () => {
  const batches: string[][] = [];
  let running = 0;
  let overlap = false;
  const b = new Batcher(async (paths) => {
    running++;
    if (running > 1) overlap = true;
    batches.push(paths);
    await new Promise((r) => setTimeout(r, 30));
    running--;
  }, { quietMs: 20, maxWaitMs: 1000 });
  for (let i = 0; i < 100; i++) b.push(`/f${i % 50}`);
  await b.idle();
  assert.equal(batches.length, 1);
  assert.equal(batches[0]!.length, 50);
  b.push('/a');
  await new Promise((r) => setTimeout(r, 25));
  b.push('/b');
  b.push('/a');
  await b.idle();
  assert.equal(overlap, false);
  const later = batches.slice(1);
  assert.deepEqual([...new Set(later.flat())].sort(), ['/a', '/b']);
  for (const batch of later) assert.equal(new Set(batch).size, batch.length, 'a path is in a batch once');
  await b.close();
});
