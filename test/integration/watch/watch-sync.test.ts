// berth watch against a running busybox container: files and directories
// created, edited, saved by rename, renamed and deleted on the host appear
// (or disappear) inside, owned by the container's user; ignored paths,
// editor temporaries and symlinks out of the tree stay out; a target that
// does not exist yet is made; ps works while the watch runs; a recreated
// container gets the synced files; Ctrl-C leaves the project running.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { makeWorld, ps, teardown } from '../project/harness.js';
import { startBerth, stopChild, until } from './helpers.js';

const COMPOSE = `services:
  app:
    image: berth-examples/busybox:latest
    init: true
    network_mode: none
    user: "1000:1000"
    command: ["sleep", "3000"]
    develop:
      watch:
        - path: ./src
          target: /srv/app/deep
          action: sync
          initial_sync: true
          ignore: [node_modules/, "*.log", "!keep.log"]
`;

test('watch sync: host changes reach the container, ignored ones do not; ps during watch; recreate; Ctrl-C', { skip: !isRoot, timeout: 240_000 }, async (t) => {
  const w = makeWorld();
  const dir = join(w.root, 'proj');
  const src = join(dir, 'src');
  mkdirSync(join(src, 'node_modules/pkg'), { recursive: true });
  writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
  writeFileSync(join(src, 'first.txt'), 'one\n');
  writeFileSync(join(src, 'node_modules/pkg/index.js'), 'ignored\n');
  writeFileSync(join(w.root, 'secret'), 'host secret\n');
  const project = `ws${shortId(6)}`;
  const base = ['-p', project, '-f', join(dir, 'compose.yaml')];
  const run = startBerth(w, [...base, 'watch']);
  t.after(async () => { await stopChild(run); teardown(w, base); });
  const inside = (script: string) => {
    const r = w.berth([...base, 'exec', '-T', 'app', 'sh', '-c', script]);
    return r.status === 0 ? r.stdout : undefined;
  };
  const cat = (p: string) => inside(`cat /srv/app/deep/${p} 2>/dev/null || echo "<absent>"`);

  await until('Watch enabled', () => /Watch enabled/.test(run.output()), 60_000);
  // initial_sync: the tree was there before the watch; the target did not exist in the image.
  assert.equal(cat('first.txt'), 'one\n');
  assert.equal(inside('stat -c %u:%g /srv/app/deep/first.txt /srv/app/deep'), '1000:1000\n1000:1000\n');
  assert.equal(cat('node_modules/pkg/index.js'), '<absent>\n', 'ignored directory stays out');

  // ps (and the lock) work while the watch is idle.
  const psRun = w.berth([...base, 'ps', '--format', 'json'], { BERTH_LOCK_TIMEOUT: '5' });
  assert.equal(psRun.status, 0, psRun.stderr);
  assert.match(psRun.stdout, /"State":"running"/);

  // Create, edit (written twice: the last content wins), binary.
  writeFileSync(join(src, 'new.txt'), 'draft');
  writeFileSync(join(src, 'new.txt'), 'final\n');
  const bin = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  writeFileSync(join(src, 'blob.bin'), bin);
  await until('new.txt synced', () => cat('new.txt') === 'final\n');
  await until('blob.bin synced', () => inside('od -An -tx1 /srv/app/deep/blob.bin | tr -d " \\n"') === bin.toString('hex'));

  // An editor's save: write a temporary, then rename it over the file.
  writeFileSync(join(src, '.first.txt.swp'), 'swap');
  writeFileSync(join(src, 'first.txt~'), 'backup');
  writeFileSync(join(src, 'first.txt.tmp'), 'two\n');
  renameSync(join(src, 'first.txt.tmp'), join(src, 'first.txt'));
  await until('first.txt saved by rename', () => cat('first.txt') === 'two\n');
  rmSync(join(src, '.first.txt.swp'));

  // Directories: created with content, renamed, deleted and recreated.
  mkdirSync(join(src, 'lib/inner'), { recursive: true });
  writeFileSync(join(src, 'lib/inner/mod.js'), 'mod\n');
  await until('lib synced', () => cat('lib/inner/mod.js') === 'mod\n');
  renameSync(join(src, 'lib'), join(src, 'lib2'));
  await until('lib renamed', () => cat('lib2/inner/mod.js') === 'mod\n' && cat('lib/inner/mod.js') === '<absent>\n');
  rmSync(join(src, 'lib2'), { recursive: true });
  await until('lib2 removed', () => inside('test -e /srv/app/deep/lib2 && echo there || echo gone') === 'gone\n');
  mkdirSync(join(src, 'lib2'));
  writeFileSync(join(src, 'lib2/again.js'), 'again\n');
  await until('lib2 recreated', () => cat('lib2/again.js') === 'again\n');

  // Renamed and deleted files; ignore patterns (*.log at the top, with an exception).
  renameSync(join(src, 'new.txt'), join(src, 'renamed.txt'));
  writeFileSync(join(src, 'debug.log'), 'noise\n');
  writeFileSync(join(src, 'keep.log'), 'kept\n');
  await until('renamed.txt', () => cat('renamed.txt') === 'final\n' && cat('new.txt') === '<absent>\n');
  await until('keep.log synced', () => cat('keep.log') === 'kept\n');
  rmSync(join(src, 'blob.bin'));
  await until('blob.bin removed', () => cat('blob.bin') === '<absent>\n');

  // A symlink that points outside the watched path is copied as a link, never followed.
  symlinkSync(join(w.root, 'secret'), join(src, 'escape'));
  await until('symlink synced', () => inside('readlink /srv/app/deep/escape') === `${join(w.root, 'secret')}\n`);
  assert.equal(cat('escape'), '<absent>\n', 'the link points nowhere inside the container');

  // Ignored paths and editor temporaries never arrived.
  assert.equal(inside('ls -a /srv/app/deep | sort | tr "\\n" " "'), '. .. escape first.txt keep.log lib2 renamed.txt ');

  // The service is recreated while watched: the new container gets the synced files.
  const before = ps(w, base)[0]!.ID;
  w.ok([...base, 'up', '-d', '--force-recreate']);
  assert.notEqual(ps(w, base)[0]!.ID, before);
  await until('recreated container synced', () => cat('renamed.txt') === 'final\n' && cat('lib2/again.js') === 'again\n');

  // Ctrl-C: the watch ends, the project keeps running.
  run.proc.kill('SIGINT');
  assert.equal(await run.exited, 0, run.output());
  assert.match(run.output(), /Watch disabled/);
  assert.deepEqual(ps(w, base, []).map((c) => c.State), ['running']);
});
