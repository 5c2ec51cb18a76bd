// docker cp rules and path resolution inside a container root, on plain
// directories (a temp dir plays the container's root; no root needed).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { copyPath } from '../../../src/cp/copy.js';
import { containerSide, hostSide } from '../../../src/cp/sides.js';
import { cleanEntryName, extractFromStream, packToStream } from '../../../src/cp/tar.js';
import { splitContainerArg } from '../../../src/cli/tools/cp-run.js';
import { shortId, tempDir } from '../../helpers/env.js';

function setup() {
  const t = tempDir('berth-cp-');
  const root = join(t.path, 'ctr');
  const host = join(t.path, 'host');
  const outside = join(t.path, 'outside');
  for (const d of [join(root, 'etc'), join(root, 'data/sub'), join(root, 'tmp'), host, outside]) mkdirSync(d, { recursive: true });
  writeFileSync(join(root, 'etc/hostname'), 'container\n');
  writeFileSync(join(outside, 'secret'), 'host secret\n');
  writeFileSync(join(root, 'data/sub/f'), 'f\n');
  symlinkSync('/', join(root, 'esc'));
  symlinkSync('../../../../../../../../..', join(root, 'up'));
  symlinkSync(outside, join(root, 'data/abs-out'));
  return { t, root, host, outside, ctr: containerSide('c1', root) };
}

describe('cp', () => {
  it('splits SERVICE:PATH from local paths', () => {
    assert.deepEqual(splitContainerArg('web:/etc/x'), ['web', '/etc/x']);
    assert.deepEqual(splitContainerArg('web:rel'), ['web', 'rel']);
    for (const local of ['/abs:x', './a:b', '-', 'plain', ':x']) assert.equal(splitContainerArg(local), undefined, local);
  });

  it('errors name container paths, never the container root on the host', () => {
    const { t, root, host, ctr } = setup();
    try {
      mkdirSync(join(host, 'd/hostname'), { recursive: true });
      writeFileSync(join(host, 'd/plain'), 'x');
      mkdirSync(join(root, 'etc/plain'));
      const leak = (f: () => void, re: RegExp) => {
        const e = (() => { try { f(); return undefined; } catch (x) { return x as Error; } })();
        assert.ok(e, 'it fails');
        assert.match(e.message, re);
        assert.ok(!e.message.includes(root), `no host path of the container root in: ${e.message}`);
      };
      // a directory over a file, a file over a directory: the container path is named
      leak(() => copyPath(hostSide(), `${host}/d/.`, ctr, '/etc'), /"c1:\/etc\/(hostname|plain)"/);
      // a file system error inside the container: its code and the container path
      writeFileSync(join(host, 'f'), 'x');
      mkdirSync(join(root, 'ro'), { mode: 0o500 });
      if (process.getuid?.() !== 0) leak(() => copyPath(hostSide(), join(host, 'f'), ctr, '/ro/f'), /^EACCES: open 'c1:\/ro\/f'$/);
    } finally { t.cleanup(); }
  });

  it('resolves container paths inside the root, whatever the links say', () => {
    const { t, root, outside, ctr } = setup();
    try {
      assert.equal(ctr.resolve('/esc/etc/hostname', true), join(root, 'etc/hostname'));
      assert.equal(ctr.resolve('/up/etc/hostname', true), join(root, 'etc/hostname'));
      assert.equal(ctr.resolve('/data/abs-out/secret', true), join(root, outside, 'secret'));
      assert.equal(ctr.resolve('/data/abs-out', false), join(root, 'data/abs-out'));
      assert.equal(ctr.resolve('../../etc', true), join(root, 'etc'));
      assert.equal(ctr.below(join(root, 'data'), 'abs-out'), join(root, 'data/abs-out'));
      // The container's /proc and /sys (the kernel's files when the root is /proc/<pid>/root) are off limits, also through links.
      symlinkSync('/proc/sys/kernel', join(root, 'data/kernel'));
      assert.throws(() => ctr.resolve('/proc/sysrq-trigger', true), /not allowed/);
      assert.throws(() => ctr.resolve('/up/sys/x', false), /not allowed/);
      assert.throws(() => ctr.below(join(root, 'data'), 'kernel/x'), /not allowed/);
    } finally {
      t.cleanup();
    }
  });

  it('copies out with docker cp rules, keeping symlinks as symlinks', () => {
    const { t, root, host, outside, ctr } = setup();
    try {
      const h = hostSide();
      copyPath(ctr, '/up/etc/hostname', h, join(host, 'hn'));
      assert.equal(readFileSync(join(host, 'hn'), 'utf8'), 'container\n');
      copyPath(ctr, '/data', h, join(host, 'd1'), { archive: true });          // new dir = the source's contents
      assert.equal(readFileSync(join(host, 'd1/sub/f'), 'utf8'), 'f\n');
      assert.equal(readlinkSync(join(host, 'd1/abs-out')), outside);
      copyPath(ctr, '/data', h, join(host, 'd1'), { archive: true });          // existing dir: copied into it
      assert.ok(existsSync(join(host, 'd1/data/sub/f')));
      copyPath(ctr, '/data/.', h, join(host, 'd1'), { archive: true });        // "/." : contents only
      copyPath(ctr, '/etc/hostname', h, join(host, 'd1') + '/', {});          // a file into a dir
      assert.ok(existsSync(join(host, 'd1/hostname')));
      mkdirSync(join(root, 'proc/1'), { recursive: true });
      writeFileSync(join(root, 'proc/1/environ'), 'x');
      copyPath(ctr, '/', h, join(host, 'all'), { archive: true });             // the whole root, without /proc
      assert.ok(existsSync(join(host, 'all/etc/hostname')) && !existsSync(join(host, 'all/proc')));
      assert.throws(() => copyPath(ctr, '/data/abs-out/secret', h, join(host, 'x')), /could not find the file/);
      assert.throws(() => copyPath(ctr, '/data', h, join(host, 'hn')), /cannot copy a directory to a file/);
      assert.throws(() => copyPath(ctr, '/etc/hostname', h, join(host, 'nodir') + '/'), /must exist/);
      assert.throws(() => copyPath(ctr, '/etc/hostname/', h, join(host, 'y')), /not a directory/);
    } finally {
      t.cleanup();
    }
  });

  it('copies in without writing through links that point out', () => {
    const { t, root, host, outside, ctr } = setup();
    try {
      writeFileSync(join(host, 'm'), 'payload\n');
      const h = hostSide();
      copyPath(h, join(host, 'm'), ctr, '/up/tmp/m1', { archive: true });
      assert.equal(readFileSync(join(root, 'tmp/m1'), 'utf8'), 'payload\n');
      // The link's target does not exist inside the container: an error, and nothing written outside.
      assert.throws(() => copyPath(h, join(host, 'm'), ctr, '/data/abs-out/m2', { archive: true }), /no such directory/);
      assert.ok(!existsSync(join(outside, 'm2')), 'nothing written outside');
      mkdirSync(join(root, outside), { recursive: true });
      copyPath(h, join(host, 'm'), ctr, '/data/abs-out/m2', { archive: true });
      assert.ok(!existsSync(join(outside, 'm2')), 'nothing written outside');
      assert.equal(readFileSync(join(root, outside, 'm2'), 'utf8'), 'payload\n');
      // A directory whose entry names an existing link in the container: the link is replaced, not followed.
      mkdirSync(join(host, 'tree'));
      writeFileSync(join(host, 'tree/abs-out'), 'plain file\n');
      copyPath(h, join(host, 'tree') + '/.', ctr, '/data', { archive: true });
      assert.equal(readFileSync(join(root, 'data/abs-out'), 'utf8'), 'plain file\n');
      assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), 'host secret\n');
    } finally {
      t.cleanup();
    }
  });

  it('tar out and in: names cleaned, nothing lands outside', async () => {
    const { t, root, outside, ctr } = setup();
    try {
      assert.equal(cleanEntryName('/a/./b/'), 'a/b');
      assert.equal(cleanEntryName('a/../../b'), undefined);
      assert.equal(cleanEntryName('./'), undefined);
      const buf = new PassThrough();
      const chunks: Buffer[] = [];
      buf.on('data', (c: Buffer) => chunks.push(c));
      await packToStream(ctr, '/data', false, buf);
      const tarball = Buffer.concat(chunks);
      assert.ok(tarball.includes(Buffer.from('data/sub/f')));
      const dest = `/tmp/x-${shortId()}`;
      mkdirSync(join(root, dest));
      const input = new PassThrough();
      input.end(tarball);
      await extractFromStream(ctr, `/up${dest}`, input, true);
      assert.equal(readFileSync(join(root, dest, 'data/sub/f'), 'utf8'), 'f\n');
      // Writing below the extracted link goes inside the root.
      const again = new PassThrough();
      again.end(tarball);
      await extractFromStream(ctr, `/up${dest}`, again, true);
      assert.equal(readlinkSync(join(root, dest, 'data/abs-out')), outside);
      assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), 'host secret\n');
    } finally {
      t.cleanup();
    }
  });
});
