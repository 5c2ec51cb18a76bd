// The store with real whiteouts and overlay mounts: load/save round trips,
// import, deep images, holds, hostile archives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berthBin, repoRoot, tempDir } from '../../helpers/env.js';
import { buildImage, WHITEOUT_LAYERS } from '../../helpers/images.js';
import { makeTar } from '../../helpers/tarball.js';
import { openImageStore } from '../../../src/image/image-store.js';
import { lgetxattr } from '../../../src/native/fs-ops.js';
import { statePaths } from '../../../src/state/paths.js';

function berth(root: string, args: string[], input?: Buffer | string) {
  return spawnSync(process.execPath, [berthBin, '--root', root, ...args], { encoding: 'utf8', input });
}

function mountLayers(root: string, ref: string, extra: string[] = []): { merged: string; done: () => void } {
  const store = openImageStore(statePaths(root, {}).images);
  const { base, lower } = store.rootfsLayers(ref);
  const t = tempDir('berth-ovl-');
  const opts = `lowerdir=${[...lower, ...extra].join(':')}`;
  const r = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', opts, t.path], { cwd: base, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { merged: t.path, done: () => { spawnSync('umount', [t.path]); t.cleanup(); } };
}

function checkWhiteoutView(root: string, ref: string): void {
  const m = mountLayers(root, ref);
  try {
    assert.equal(existsSync(join(m.merged, 'etc/a')), false);
    assert.equal(readFileSync(join(m.merged, 'etc/b'), 'utf8'), 'b3');
    assert.deepEqual(readdirSync(join(m.merged, 'opq')), ['z']);
  } finally { m.done(); }
}

for (const format of ['docker-archive', 'oci-archive']) {
  test(`save and load round trip (${format}) keeps the ID, tags and overlay view`, async () => {
    const a = tempDir('berth-img-a-');
    const b = tempDir('berth-img-b-');
    try {
      const src = await buildImage(openImageStore(statePaths(a.path, {}).images), WHITEOUT_LAYERS, ['example.test/app:1', 'other:2']);
      const out = join(a.path, 'out.tar');
      const save = berth(a.path, ['image', 'save', '--format', format, '-o', out, 'example.test/app:1', 'other:2']);
      assert.equal(save.status, 0, save.stderr);
      const load = berth(b.path, ['image', 'load', '-i', out]);
      assert.equal(load.status, 0, load.stderr);
      assert.equal(load.stdout, 'Loaded image: example.test/app:1\nLoaded image: other:2\n');
      const store = openImageStore(statePaths(b.path, {}).images);
      const img = store.resolve('other:2');
      assert.equal(img.id, src.id);
      assert.deepEqual(img.repoTags.sort(), ['docker.io/library/other:2', 'example.test/app:1']);
      const mid = join(store.layers.dir(img.layers[1].chainId), 'diff');
      assert.equal(lstatSync(join(mid, 'etc/a')).isCharacterDevice(), true);
      assert.equal(lgetxattr(join(mid, 'opq'), 'trusted.overlay.opaque')?.toString(), 'y');
      checkWhiteoutView(b.path, 'other:2');
      // and back out through stdout, into a third store through stdin
      const c = tempDir('berth-img-c-');
      try {
        const piped = spawnSync(process.execPath, [berthBin, '--root', b.path, 'image', 'save', '--format', format, 'other:2'], { maxBuffer: 1 << 26 });
        assert.equal(piped.status, 0, String(piped.stderr));
        const l2 = berth(c.path, ['image', 'load'], piped.stdout);
        assert.equal(l2.status, 0, l2.stderr);
        assert.equal(openImageStore(statePaths(c.path, {}).images).resolve('other:2').id, src.id);
      } finally { c.cleanup(); }
    } finally { a.cleanup(); b.cleanup(); }
  });
}

test('loading a hostile or corrupt archive fails cleanly and leaves no image', async () => {
  const a = tempDir('berth-img-a-');
  try {
    // a docker-archive whose layer writes through a symlink out of the layer
    const layer = await makeTar([{ name: 'esc', type: 'symlink', linkname: '/' }, { name: 'esc/tmp/berth-pwned', body: 'x' }]);
    const { createHash } = await import('node:crypto');
    const diff = 'sha256:' + createHash('sha256').update(layer).digest('hex');
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [diff] } });
    const archive = await makeTar([
      { name: 'cfg.json', body: config },
      { name: 'l/layer.tar', body: layer },
      { name: 'manifest.json', body: JSON.stringify([{ Config: 'cfg.json', RepoTags: ['evil:1'], Layers: ['l/layer.tar'] }]) },
    ]);
    writeFileSync(join(a.path, 'evil.tar'), archive);
    const r = berth(a.path, ['image', 'load', '-i', join(a.path, 'evil.tar')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^layer sha256:[a-f0-9]+: entry "esc\/tmp\/berth-pwned": path goes through a symlink\n$/);
    assert.equal(existsSync('/tmp/berth-pwned'), false);
    const store = openImageStore(statePaths(a.path, {}).images);
    assert.deepEqual(store.list(), []);
    assert.deepEqual(store.layers.list(), []);

    writeFileSync(join(a.path, 'trunc.tar'), archive.subarray(0, 700));
    const t = berth(a.path, ['image', 'load', '-i', join(a.path, 'trunc.tar')]);
    assert.equal(t.status, 1);
    assert.match(t.stderr, /corrupt archive|missing from the archive|neither a docker-archive/);
    assert.equal(t.stderr.trim().split('\n').length, 1);
    const none = berth(a.path, ['image', 'inspect', 'evil:1']);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /^Error: No such image: evil:1\n$/);
  } finally { a.cleanup(); }
});

test('import a directory and a tarball with --change; base image script is reproducible', async () => {
  const a = tempDir('berth-img-a-');
  try {
    const dir = join(a.path, 'rootfs');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    writeFileSync(join(dir, 'bin/hello'), 'hi', { mode: 0o755 });
    symlinkSync('hello', join(dir, 'bin/hi'));
    const r = berth(a.path, ['image', 'import', '-c', 'CMD ["/bin/hello"]', '-c', 'ENV A=1', '-c', 'WORKDIR /srv', '-c', 'ENTRYPOINT ["/bin/sh","-c"]', dir, 'local/dir:1']);
    assert.equal(r.status, 0, r.stderr);
    const store = openImageStore(statePaths(a.path, {}).images);
    const img = store.resolve('local/dir:1');
    assert.deepEqual(img.config, { Cmd: ['/bin/hello'], Env: ['A=1'], WorkingDir: '/srv', Entrypoint: ['/bin/sh', '-c'] });
    const diff = join(store.layers.dir(img.layers[0].chainId), 'diff');
    assert.equal(readlinkOrNull(join(diff, 'bin/hi')), 'hello');
    assert.equal(lstatSync(join(diff, 'bin/hello')).mode & 0o777, 0o755);

    writeFileSync(join(a.path, 'root.tar.gz'), await makeTar([{ name: 'etc/os-release', body: 'ID=test\n' }], { gzip: true }));
    const t = berth(a.path, ['image', 'import', join(a.path, 'root.tar.gz'), 'local/tar:1']);
    assert.equal(t.status, 0, t.stderr);
    const bad = berth(a.path, ['image', 'import', '-c', 'RUN true', dir, 'local/bad:1']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /RUN is not supported/);
    assert.equal(store.lookup('local/bad:1'), undefined);

    const s1 = spawnSync('bash', [join(repoRoot, 'scripts/make-base-images.sh'), '--root', a.path], { encoding: 'utf8' });
    assert.equal(s1.status, 0, s1.stderr);
    const s2 = spawnSync('bash', [join(repoRoot, 'scripts/make-base-images.sh'), '--root', a.path], { encoding: 'utf8' });
    assert.equal(s2.stdout, s1.stdout, 'the same busybox gives the same image');
    const bb = store.resolve('berth-examples/busybox');
    assert.deepEqual(bb.config.Cmd, ['sh']);
    const bdiff = join(store.layers.dir(bb.layers[0].chainId), 'diff');
    assert.equal(readlinkOrNull(join(bdiff, 'bin/sh')), 'busybox');
    const sh = spawnSync('chroot', [bdiff, '/bin/sh', '-c', 'echo ok $(ls / | wc -l)'], { encoding: 'utf8' });
    assert.equal(sh.status, 0, sh.stderr);
    assert.match(sh.stdout, /^ok \d+\n$/);
  } finally { a.cleanup(); }
});

function readlinkOrNull(p: string): string | null {
  try { return readlinkSync(p); } catch { return null; }
}

test('a 120-layer image mounts with short lower dirs; holds protect images from rm and prune', async () => {
  const a = tempDir('berth-img-a-');
  try {
    const store = openImageStore(statePaths(a.path, {}).images);
    const layers = Array.from({ length: 120 }, (_, i) => [{ name: `layer-${i}`, body: String(i) }, { name: 'top', body: String(i) }]);
    const img = await buildImage(store, layers, ['deep:120'], {}, { gzip: false });
    const { lower } = store.rootfsLayers(img.id);
    assert.equal(lower.length, 120);
    assert.ok(`lowerdir=${lower.join(':')}`.length < 4000, 'fits in one page of mount options');
    const m = mountLayers(a.path, img.id);
    try {
      assert.equal(readFileSync(join(m.merged, 'top'), 'utf8'), '119');
      assert.equal(readdirSync(m.merged).length, 121);
    } finally { m.done(); }

    const small = await buildImage(store, WHITEOUT_LAYERS, ['small:1', 'small:2']);
    await store.acquire('small:1', 'container-abc');
    const busy = berth(a.path, ['image', 'rm', small.id]);
    assert.equal(busy.status, 1);
    assert.match(busy.stderr, /several tags/);
    assert.equal(berth(a.path, ['image', 'rm', 'small:2']).stdout, 'Untagged: small:2\n');
    const held = berth(a.path, ['image', 'rm', 'small:1']);
    assert.equal(held.status, 1);
    assert.match(held.stderr, /^image small:1 is in use by container container-abc\n$/);
    const prune = berth(a.path, ['image', 'prune', '-a', '--format', 'json']);
    assert.equal(prune.status, 0, prune.stderr);
    assert.deepEqual(JSON.parse(prune.stdout).ImagesDeleted, [img.id]);
    assert.equal(store.layers.list().length, 3, 'only the held image\'s layers remain');
    checkWhiteoutView(a.path, 'small:1');
    await store.release('container-abc');
    const rm = berth(a.path, ['image', 'rm', 'small:1']);
    assert.equal(rm.status, 0, rm.stderr);
    assert.deepEqual(store.layers.list(), []);
    assert.deepEqual(store.blobs.list(), []);
    assert.deepEqual(readdirSync(store.layers.linksDir), []);
  } finally { a.cleanup(); }
});

test('whiteouts go both ways: an unpacked layer packs back to .wh. entries that unpack the same', async () => {
  const a = tempDir('berth-img-a-');
  try {
    const store = openImageStore(statePaths(a.path, {}).images);
    const img = await buildImage(store, WHITEOUT_LAYERS, ['both:1']);
    const mid = join(store.layers.dir(img.layers[1].chainId), 'diff');
    const { packDirectory } = await import('../../../src/image/tar-dir.js');
    const tar = (await import('tar-stream')).default;
    const names: string[] = [];
    const extract = tar.extract();
    const chunks: Buffer[] = [];
    packDirectory(mid, { overlay: true }).on('data', (c: Buffer) => chunks.push(c)).on('end', () => extract.end(Buffer.concat(chunks)));
    for await (const e of extract) { names.push(e.header.name); e.resume(); }
    assert.deepEqual(names.sort(), ['etc/', 'etc/.wh.a', 'etc/c', 'opq/', 'opq/.wh..wh..opq', 'opq/z']);
    const { storeLayer } = await import('../../../src/image/import.js');
    const again = await storeLayer(store, packDirectory(mid, { overlay: true }));
    const out = join(a.path, 'again');
    mkdirSync(out);
    const { unpackLayer } = await import('../../../src/image/layer-unpack.js');
    await unpackLayer(store.blobs.path(again.digest), out, { diffId: again.diffId });
    assert.equal(lstatSync(join(out, 'etc/a')).isCharacterDevice(), true);
    assert.equal(lgetxattr(join(out, 'opq'), 'trusted.overlay.opaque')?.toString(), 'y');
    assert.equal(readFileSync(join(out, 'opq/z'), 'utf8'), 'z');
  } finally { a.cleanup(); }
});

test('xattrs from the tar are applied, except forged overlay metadata', async () => {
  const a = tempDir('berth-img-a-');
  try {
    const store = openImageStore(statePaths(a.path, {}).images);
    const img = await buildImage(store, [[
      { name: 'd/', type: 'directory', pax: { 'SCHILY.xattr.trusted.overlay.opaque': 'y', 'SCHILY.xattr.user.berth': 'kept' } },
      { name: 'd/f', body: 'x', pax: { 'SCHILY.xattr.user.berth': 'file' } },
    ]], ['xattr:1']);
    const diff = join(store.layers.dir(img.layers[0].chainId), 'diff');
    assert.equal(lgetxattr(join(diff, 'd'), 'trusted.overlay.opaque'), null);
    assert.equal(lgetxattr(join(diff, 'd'), 'user.berth')?.toString(), 'kept');
    assert.equal(lgetxattr(join(diff, 'd/f'), 'user.berth')?.toString(), 'file');
  } finally { a.cleanup(); }
});
