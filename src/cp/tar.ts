// `berth cp SRC -` writes a tar of the source (named by its basename, as
// docker cp does) to stdout; `berth cp - DEST` extracts a tar from stdin into
// a directory. Archive entries are hostile input: names are cleaned (no
// absolute paths, no "..") and every path is resolved on the destination
// side, so that no entry lands outside it.
import { closeSync, constants, createReadStream, fchmodSync, lchownSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeSync, type Stats } from 'node:fs';
import { basename } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import tar from 'tar-stream';
import { BerthError } from '../errors.js';
import { copyError, type Side } from './sides.js';

export async function packToStream(side: Side, srcPath: string, followLink: boolean, out: Writable): Promise<void> {
  const from = side.resolve(srcPath, followLink);
  let st: Stats;
  try {
    st = lstatSync(from);
  } catch {
    throw new BerthError(side.inContainer ? `could not find the file ${srcPath} in container ${side.label}` : `stat ${srcPath}: no such file or directory`);
  }
  const pack = tar.pack();
  const done = new Promise<void>((resolve, reject) => {
    pack.on('error', reject);
    out.on('error', reject);
    pack.on('end', resolve);
  });
  pack.pipe(out);
  const head = (s: Stats) => ({ mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, mtime: s.mtime });
  const add = async (abs: string, name: string, s: Stats): Promise<void> => {
    if (side.excluded(abs)) return;
    if (s.isDirectory()) {
      pack.entry({ ...head(s), name: `${name}/`, type: 'directory' });
      for (const n of readdirSync(abs).sort()) await add(`${abs}/${n}`, `${name}/${n}`, lstatSync(`${abs}/${n}`));
    } else if (s.isSymbolicLink()) {
      pack.entry({ ...head(s), name, type: 'symlink', linkname: readlinkSync(abs) });
    } else if (s.isFile()) {
      const fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW);
      await new Promise<void>((resolve, reject) => {
        const entry = pack.entry({ ...head(s), name, type: 'file', size: s.size }, (e) => (e ? reject(e) : resolve()));
        createReadStream('', { fd }).on('error', reject).pipe(entry);
      });
    }
  };
  await add(from, basename(from) || '.', st);
  pack.finalize();
  await done;
}

/** A tar entry name made safe: relative, without "." or ".." components; undefined when nothing is left. */
export function cleanEntryName(name: string): string | undefined {
  const parts: string[] = [];
  for (const p of name.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') return undefined; // refuse rather than guess
    parts.push(p);
  }
  return parts.length ? parts.join('/') : undefined;
}

export async function extractFromStream(side: Side, dstPath: string, input: Readable, archive: boolean): Promise<void> {
  const root = side.resolve(dstPath, true);
  let st: Stats | undefined;
  try { st = lstatSync(root); } catch { st = undefined; }
  if (!st?.isDirectory()) throw new BerthError(`destination ${dstPath} must be an existing directory`);
  const extract = tar.extract();
  const own = (p: string, h: tar.Header) => {
    if (archive) lchownSync(p, h.uid ?? 0, h.gid ?? 0);
    else if (side.inContainer) lchownSync(p, 0, 0);
  };
  extract.on('entry', (h, stream, next) => {
    const fail = (e: unknown) => { stream.resume(); extract.destroy(e as Error); };
    try {
      const name = cleanEntryName(h.name);
      if (!name) { stream.resume(); return void stream.on('end', next); }
      const to = side.below(root, name);
      const existing = (() => { try { return lstatSync(to); } catch { return undefined; } })();
      if (h.type === 'directory') {
        if (existing && !existing.isDirectory()) rmSync(to, { force: true });
        if (!existing?.isDirectory()) mkdirSync(to, { mode: (h.mode ?? 0o755) & 0o7777 });
        own(to, h);
        stream.resume();
        return void stream.on('end', next);
      }
      if (existing?.isDirectory()) throw new BerthError(`cannot overwrite directory ${name} with a non-directory`);
      if (existing) rmSync(to, { force: true });
      if (h.type === 'symlink') {
        symlinkSync(h.linkname ?? '', to);
        own(to, h);
      } else if (h.type === 'link') {
        const target = cleanEntryName(h.linkname ?? '');
        if (!target) throw new BerthError(`tar: hard link ${name} points outside the archive`);
        try { linkSync(side.below(root, target), to); } catch (e) { throw copyError(e, [side]); }
      } else if (h.type === 'file' || h.type === 'contiguous-file') {
        const fd = openSync(to, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
        stream.on('data', (c: unknown) => { const chunk = c as Buffer; let off = 0; while (off < chunk.length) off += writeSync(fd, chunk, off); });
        stream.on('end', () => {
          try {
            own(to, h);
            fchmodSync(fd, (h.mode ?? 0o644) & 0o7777);
            closeSync(fd);
            next();
          } catch (e) { closeSync(fd); extract.destroy(e as Error); }
        });
        stream.on('error', () => closeSync(fd));
        return;
      }
      stream.resume(); // devices, fifos: left out
      stream.on('end', next);
    } catch (e) {
      fail(e);
    }
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    input.on('error', reject);
    input.pipe(extract);
  });
}

