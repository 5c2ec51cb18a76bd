// berth-runtime's cache of generated seccomp programs (<root>/@seccomp):
// the first container with a profile stores libseccomp's program (byte for
// byte), later ones load it from there, and all behave the same as with a
// cache that cannot be used (where libseccomp's seccomp_load loads the
// filter, as without a cache); entries that are not ours alone are ignored
// and replaced. Also the SHA-256 its key is made with.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync,
  truncateSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultSeccompProfile } from '../../../src/container/seccomp-default.js';
import { defaultConfig, haveBinary, type OciConfig } from '../../helpers/bundle.js';
import { isRoot, nativeOut } from '../../helpers/env.js';
import { RuntimeHarness } from './harness.js';

describe('common/sha256 (the cache key)', () => {
  const sha = (data: Buffer, piece?: number): string => {
    const r = spawnSync(join(nativeOut, 'test-sha256'), piece ? [String(piece)] : [], { input: data, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const ref = (data: Buffer) => createHash('sha256').update(data).digest('hex');

  test('FIPS 180-2 examples', () => {
    assert.equal(sha(Buffer.from('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(sha(Buffer.from('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')),
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    assert.equal(sha(Buffer.alloc(1_000_000, 'a'), 4096), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  test('every length around the block and padding boundaries, fed whole and in pieces, as node:crypto', () => {
    const data = randomBytes(300);
    for (let n = 0; n <= 300; n++) {
      const d = data.subarray(0, n);
      const want = ref(d);
      assert.equal(sha(d), want, `length ${n}`);
      if (n % 7 === 0) for (const piece of [1, 55, 63, 64, 65]) assert.equal(sha(d, piece), want, `length ${n} in pieces of ${piece}`);
    }
  });
});

describe('berth-runtime seccomp program cache', { skip: !isRoot && 'needs root' }, () => {
  let h: RuntimeHarness;
  let cacheDir: string;
  before(() => {
    h = new RuntimeHarness(['berth']);
    cacheDir = join(h.dir, 'root-berth', '@seccomp');
  });
  after(() => h?.cleanup());

  const script = 'grep "^Seccomp" /proc/self/status; mkdir /dev/shm/d 2>&1; echo mkdir=$?; touch /dev/shm/f; echo touch=$?';
  const expected = 'Seccomp:\t2\nSeccomp_filters:\t1\nmkdir: can\'t create directory \'/dev/shm/d\': Function not implemented\nmkdir=1\ntouch=0\n';
  function config(errnoRet = 38, args = ['sh', '-c', script]): OciConfig {
    const c = defaultConfig(args);
    c.linux.seccomp = {
      defaultAction: 'SCMP_ACT_ALLOW',
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
      // every flag: the cached program is loaded with seccomp(2) and the
      // flags seccomp_load would pass, which the kernel must accept
      flags: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_LOG'],
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet }],
    };
    return c;
  }

  let bundle: string;
  let entry: string;
  let program: Buffer;

  const entries = () => (existsSync(cacheDir) ? readdirSync(cacheDir).filter((n) => n.endsWith('.bpf')) : []);
  function run(b = bundle): string {
    const rt = h.berth;
    const r = rt.run(['run', '--bundle', b, h.id(rt)]);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  }
  /** The program libseccomp generates for a bundle's profile, without the cache. */
  function exported(b: string): Buffer {
    const r = spawnSync(h.berth.argv[0], ['seccomp-bpf', '--bundle', b], { maxBuffer: 1 << 20 });
    assert.equal(r.status, 0, r.stderr.toString());
    return r.stdout;
  }
  /** A regular file of ours, 0600, holding libseccomp's program. */
  function assertSound(): void {
    const st = lstatSync(entry);
    assert.ok(st.isFile(), 'a regular file');
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(st.uid, process.getuid!());
    assert.deepEqual(readFileSync(entry), program);
  }

  test('the first run stores libseccomp\'s program, the second loads it and behaves the same', () => {
    bundle = h.bundle(config());
    assert.equal(run(), expected);
    const st = lstatSync(cacheDir);
    assert.ok(st.isDirectory());
    assert.equal(st.mode & 0o777, 0o700);
    assert.equal(st.uid, process.getuid!());
    const names = entries();
    assert.equal(names.length, 1);
    assert.match(names[0], /^[0-9a-f]{64}\.bpf$/);
    entry = join(cacheDir, names[0]);
    program = exported(bundle);
    assert.equal(program.length % 8, 0);
    assertSound();
    const before = lstatSync(entry);
    assert.equal(run(), expected);
    const again = lstatSync(entry);
    // read, not rewritten: the same inode, untouched
    assert.equal(again.ino, before.ino);
    assert.equal(again.mtimeMs, before.mtimeMs);
    assert.deepEqual(readdirSync(cacheDir), names, 'no temp files left');
  });

  test('exec in a running container loads the cached program too', () => {
    const rt = h.berth;
    const id = h.id(rt);
    const b = h.bundle(config(38, ['sleep', '30']));
    let r = rt.run(['create', '--bundle', b, id]);
    assert.equal(r.status, 0, r.stderr);
    r = rt.run(['start', id]);
    assert.equal(r.status, 0, r.stderr);
    const ino = lstatSync(entry).ino;
    r = rt.run(['exec', id, 'sh', '-c', script]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, expected);
    assert.equal(lstatSync(entry).ino, ino);
    assert.deepEqual(entries(), [entry.slice(cacheDir.length + 1)], 'the same profile, the same entry');
    rt.run(['delete', '--force', id]);
  });

  test('another profile has its own entry', () => {
    const other = h.bundle(config(1));
    assert.match(run(other), /Operation not permitted\nmkdir=1\ntouch=0\n$/);
    assert.equal(entries().length, 2);
    for (const n of entries()) if (join(cacheDir, n) !== entry) assert.deepEqual(readFileSync(join(cacheDir, n)), exported(other));
    for (const n of entries()) if (join(cacheDir, n) !== entry) rmSync(join(cacheDir, n));
  });

  const tampered: Array<[string, () => void]> = [
    ['empty', () => truncateSync(entry, 0)],
    ['not whole instructions', () => truncateSync(entry, program.length - 3)],
    ['longer than BPF_MAXINSNS', () => writeFileSync(entry, Buffer.concat([program, Buffer.alloc(4097 * 8)]))],
    ['group-writable', () => chmodSync(entry, 0o620)],
    ['other-writable', () => chmodSync(entry, 0o602)],
    ['owned by another user', () => chownSync(entry, 65534, 65534)],
    ['a symlink to a sound copy', () => {
      const copy = join(h.dir, 'elsewhere.bpf');
      copyFileSync(entry, copy);
      rmSync(entry);
      symlinkSync(copy, entry);
    }],
    ['a fifo', () => {
      rmSync(entry);
      assert.equal(spawnSync('mkfifo', ['-m', '600', entry]).status, 0);
    }],
    ['a directory', () => {
      rmSync(entry);
      mkdirSync(entry, { mode: 0o700 });
    }],
  ];
  for (const [what, tamper] of tampered) {
    test(`an entry that is ${what} is ignored and replaced`, () => {
      tamper();
      if (what === 'a directory') {
        // rename cannot replace a directory with a file: the cache stays unused
        assert.equal(run(), expected);
        rmSync(entry, { recursive: true });
        assert.equal(run(), expected);
      } else {
        assert.equal(run(), expected);
      }
      assertSound();
    });
  }

  test('an entry of ours is trusted as it is; the same bytes of another user are not', () => {
    // The key names the profile, not the program: an entry changed in place
    // (same size, still ours) cannot be told from the stored one and is
    // loaded. Only we (the effective user) can write such an entry, and we
    // could as well change the runtime or the bundle; the owner and mode
    // checks are the defence against everyone else.
    const other = exported(h.bundle(config(1)));
    assert.equal(other.length, program.length);
    writeFileSync(entry, other);
    assert.match(run(), /Operation not permitted\nmkdir=1\ntouch=0\n$/);
    chownSync(entry, 65534, 65534);
    assert.equal(run(), expected);
    assertSound();
  });

  test('a cache that cannot be used leaves containers as they were (libseccomp loads the filter)', () => {
    // a directory others may write to: not used, nothing stored in it
    rmSync(entry);
    chmodSync(cacheDir, 0o777);
    assert.equal(run(), expected);
    assert.deepEqual(entries(), []);
    chmodSync(cacheDir, 0o700);
    // no directory at all: a file where it would be
    rmSync(cacheDir, { recursive: true });
    writeFileSync(cacheDir, 'not a directory');
    assert.equal(run(), expected);
    rmSync(cacheDir);
    // and back to normal
    assert.equal(run(), expected);
    assertSound();
  });

  test('the kernel gets the same seccomp(2) call, flags and program, from libseccomp and from the cache', { skip: !haveBinary('strace') && 'no strace' }, () => {
    const rt = h.berth;
    // ours, and Docker's default profile (three architectures, ~1000 instructions)
    const docker = defaultConfig(['true']);
    docker.linux.seccomp = defaultSeccompProfile(docker.process.capabilities.bounding);
    const bundles: Array<[string, string]> = [[bundle, expected], [h.bundle(docker), '']];
    const installed = (i: number): string => {
      const out = join(h.dir, `strace-${h.id(rt)}`);
      const r = spawnSync('strace', ['-f', '-qq', '-v', '-e', 'trace=seccomp', '-e', 'signal=none', '-o', out,
        ...rt.argv, 'run', '--bundle', bundles[i][0], h.id(rt)], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, bundles[i][1]);
      // the probes pass no program; the load passes {len=..., filter=[...]}
      const loads = readFileSync(out, 'utf8').split('\n').filter((l) => l.includes('SECCOMP_SET_MODE_FILTER') && l.includes('{len='));
      assert.equal(loads.length, 1, loads.join('\n'));
      return loads[0].replace(/^\d+ +/, '');
    };
    rmSync(cacheDir, { recursive: true });
    writeFileSync(cacheDir, 'not a directory');
    const viaLibseccomp = bundles.map((_, i) => installed(i));
    assert.match(viaLibseccomp[0], /SECCOMP_FILTER_FLAG_TSYNC\|SECCOMP_FILTER_FLAG_LOG\|SECCOMP_FILTER_FLAG_SPEC_ALLOW/);
    assert.match(viaLibseccomp[1], /\{len=\d{3,}, filter=/);
    rmSync(cacheDir);
    for (let i = 0; i < bundles.length; i++) {
      assert.equal(installed(i), viaLibseccomp[i], 'a miss: stored, then loaded from the entry');
      assert.equal(installed(i), viaLibseccomp[i], 'a hit');
    }
    assert.equal(entries().length, 2);
    assertSound();
  });
});
