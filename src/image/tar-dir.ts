// Packs a directory tree into a tar stream, deterministically (sorted names,
// optional fixed mtime), without following symlinks; hardlinked files become
// tar hardlinks. Used by `image import <dir>`. With `overlay`, the directory
// is an overlayfs upper dir and its whiteouts go back to the tar form: a
// char device 0:0 becomes `.wh.<name>`, an opaque directory gets a
// `.wh..wh..opq` entry (the reverse of layer-unpack).
import { lstatSync, readdirSync, readlinkSync, createReadStream, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { lgetxattr } from '../native/fs-ops.js';
import { OPAQUE_MARKER, OVERLAY_OPAQUE_XATTR, WHITEOUT_PREFIX } from './layer-unpack.js';

export interface PackOptions {
  mtime?: Date;      // fixed time for every entry (reproducible output)
  overlay?: boolean; // translate overlayfs whiteouts and opaque dirs to tar form
  skip?: ReadonlySet<string>; // relative paths left out (with what is below them)
}

function isOpaque(path: string): boolean {
  try {
    return lgetxattr(path, OVERLAY_OPAQUE_XATTR)?.toString() === 'y';
  } catch {
    return false;
  }
}

export function packDirectory(dir: string, opts: PackOptions = {}): Readable {
  const pack = tar.pack();
  const seen = new Map<string, string>(); // dev:ino → first path
  const time = (st: Stats) => opts.mtime ?? st.mtime;
  const base = (st: Stats) => ({ mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: time(st) });

  const addFile = (name: string, abs: string, st: Stats) => new Promise<void>((resolve, reject) => {
    const entry = pack.entry({ ...base(st), name, type: 'file', size: st.size }, (err) => (err ? reject(err) : resolve()));
    // pipeline, not pipe: a file that changes size under us must fail the pack, not crash
    pipeline(createReadStream(abs), entry as unknown as NodeJS.WritableStream).catch((e: Error) => reject(new Error(`${abs}: ${e.message}`)));
  });

  const walk = async (rel: string): Promise<void> => {
    const names = readdirSync(rel ? join(dir, rel) : dir).sort();
    for (const n of names) {
      const r = rel ? `${rel}/${n}` : n;
      if (opts.skip?.has(r)) continue;
      const abs = join(dir, r);
      const st = lstatSync(abs);
      if (opts.overlay && st.isCharacterDevice() && st.rdev === 0) {
        pack.entry({ ...base(st), mode: 0o644, name: rel ? `${rel}/${WHITEOUT_PREFIX}${n}` : `${WHITEOUT_PREFIX}${n}`, type: 'file', size: 0 }, Buffer.alloc(0));
      } else if (st.isDirectory()) {
        pack.entry({ ...base(st), name: `${r}/`, type: 'directory' });
        if (opts.overlay && isOpaque(abs)) pack.entry({ ...base(st), mode: 0o644, name: `${r}/${OPAQUE_MARKER}`, type: 'file', size: 0 }, Buffer.alloc(0));
        await walk(r);
      } else if (st.isSymbolicLink()) {
        pack.entry({ ...base(st), name: r, type: 'symlink', linkname: readlinkSync(abs) });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? seen.get(key) : undefined;
        if (first) pack.entry({ ...base(st), name: r, type: 'link', linkname: first });
        else {
          if (st.nlink > 1) seen.set(key, r);
          await addFile(r, abs, st);
        }
      } else if (st.isCharacterDevice() || st.isBlockDevice()) {
        const dev = st.rdev;
        pack.entry({
          ...base(st), name: r, type: st.isCharacterDevice() ? 'character-device' : 'block-device',
          devmajor: Number((BigInt(dev) >> 8n) & 0xfffn), devminor: Number((BigInt(dev) & 0xffn) | ((BigInt(dev) >> 12n) & 0xfff00n)),
        });
      } else if (st.isFIFO()) {
        pack.entry({ ...base(st), name: r, type: 'fifo' });
      }
      // sockets are not archived, as tar does not either
    }
  };

  walk('').then(() => pack.finalize(), (e) => pack.destroy(e));
  return pack as unknown as Readable;
}
