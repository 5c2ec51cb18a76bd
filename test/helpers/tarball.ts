// Builds tarballs (possibly hostile) in memory for the image tests.
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export interface Entry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  body?: string | Buffer;
  linkname?: string;
  mode?: number;
  devmajor?: number;
  devminor?: number;
  uid?: number;
  gid?: number;
  pax?: Record<string, string>;
}

export async function makeTar(entries: Entry[], { gzip = false } = {}): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((resolve, reject) => { pack.on('end', resolve); pack.on('error', reject); });
  for (const e of entries) {
    const type = e.type ?? 'file';
    const body = e.body === undefined ? undefined : Buffer.from(e.body);
    const header = {
      name: e.name, type, linkname: e.linkname, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
      devmajor: e.devmajor, devminor: e.devminor, uid: e.uid ?? 0, gid: e.gid ?? 0, mtime: new Date(1_600_000_000_000),
      pax: e.pax, size: type === 'file' ? body?.length ?? 0 : 0,
    } as tar.Header;
    if (type === 'file') pack.entry(header, body ?? Buffer.alloc(0));
    else pack.entry(header);
  }
  pack.finalize();
  await done;
  const raw = Buffer.concat(chunks);
  return gzip ? gzipSync(raw) : raw;
}
