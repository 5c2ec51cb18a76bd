// `image load`: a docker-archive (manifest.json + config + layer tars) or an
// OCI image layout tarball (oci-layout, index.json, blobs/sha256/…), plain or
// gzipped. The archive is spooled entry by entry into a private temp dir
// (names are only used as lookup keys, never as paths), then every blob is
// hashed into the store and each image is committed. A failure leaves no
// record and no reference behind; stray blobs are removed by prune.
import { closeSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeSync, createReadStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import tar from 'tar-stream';
import { BerthError } from '../../errors.js';
import { checkDigest } from '../digest.js';
import type { ImageStore, ResolvedImage } from '../image-store.js';
import { cleanComponents } from '../layer-unpack.js';
import {
  OCI_CONFIG, OCI_LAYER, OCI_LAYER_GZIP, OCI_LAYER_ZSTD, OCI_MANIFEST, isIndexType, sniffCompression,
  type ImageIndex, type Manifest, validateManifest,
} from '../media-types.js';
import { selectManifest } from '../platform.js';
import { formatReference, parseReference } from '../reference.js';

class ArchiveError extends BerthError {}

export interface LoadedImage {
  image: ResolvedImage;
  names: string[];    // the references this archive gave it
}

interface Spool {
  dir: string;
  files: Map<string, string>;     // cleaned archive path → temp file
  links: Map<string, string>;     // cleaned archive path → cleaned target path
}

async function spool(store: ImageStore, input: string): Promise<Spool> {
  const head = Buffer.alloc(4);
  let n: number;
  try {
    const fd = openSync(input, 'r');
    try { n = readSync(fd, head, 0, 4, 0); } finally { closeSync(fd); }
  } catch (e) {
    throw new ArchiveError(`cannot read ${input}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const dir = store.blobs.tempName('load');
  mkdirSync(dir, { mode: 0o700 });
  const s: Spool = { dir, files: new Map(), links: new Map() };
  const kind = sniffCompression(head.subarray(0, n));
  if (kind === 'zstd') { rmSync(dir, { recursive: true, force: true }); throw new ArchiveError(`${input}: zstd-compressed archives are not supported`); }
  const extract = tar.extract();
  const stages = [createReadStream(input), ...(kind === 'gzip' ? [zlib.createGunzip()] : []), extract];
  const feeding = pipeline(stages as unknown as [NodeJS.ReadableStream, NodeJS.WritableStream]);
  let count = 0;
  const consuming = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      const key = cleanComponents(h.name).join('/');
      if (h.type === 'file' || h.type === 'contiguous-file') {
        const tmp = join(dir, String(count++));
        const out = openSync(tmp, 'w', 0o600);
        try {
          for await (const chunk of entry as AsyncIterable<Buffer>) {
            let off = 0;
            while (off < chunk.length) off += writeSync(out, chunk, off, chunk.length - off);
          }
        } finally { closeSync(out); }
        s.files.set(key, tmp);
      } else if (h.type === 'symlink' || h.type === 'link') {
        const base = h.type === 'symlink' ? key.split('/').slice(0, -1).join('/') : '';
        s.links.set(key, cleanComponents(`${base}/${h.linkname ?? ''}`).join('/'));
      }
      entry.resume();
    }
  })();
  try {
    await Promise.all([feeding, consuming]);
  } catch (e) {
    extract.destroy();
    await Promise.allSettled([feeding, consuming]);
    rmSync(dir, { recursive: true, force: true });
    if (e instanceof BerthError) throw e;
    throw new ArchiveError(`${input}: corrupt archive (${(e as Error).message})`);
  }
  return s;
}

/** Follows archive symlinks (lexically, a bounded number of times) to a spooled file. */
function lookup(s: Spool, path: string): string | undefined {
  let key = cleanComponents(path).join('/');
  for (let i = 0; i < 16; i++) {
    const f = s.files.get(key);
    if (f) return f;
    const next = s.links.get(key);
    if (next === undefined) return undefined;
    key = next;
  }
  return undefined;
}

function readJsonFile<T>(s: Spool, path: string, input: string): T {
  const f = lookup(s, path);
  if (!f) throw new ArchiveError(`${input}: ${path} is missing from the archive`);
  try { return JSON.parse(readFileSync(f, 'utf8')) as T; } catch { throw new ArchiveError(`${input}: ${path} is not valid JSON`); }
}

function layerMediaType(file: string): string {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(4);
  let n: number;
  try { n = readSync(fd, head, 0, 4, 0); } finally { closeSync(fd); }
  const k = sniffCompression(head.subarray(0, n));
  return k === 'gzip' ? OCI_LAYER_GZIP : k === 'zstd' ? OCI_LAYER_ZSTD : OCI_LAYER;
}

async function loadDocker(store: ImageStore, s: Spool, input: string): Promise<LoadedImage[]> {
  const entries = readJsonFile<Array<{ Config: string; RepoTags?: string[] | null; Layers: string[] }>>(s, 'manifest.json', input);
  if (!Array.isArray(entries)) throw new ArchiveError(`${input}: manifest.json is not a list`);
  const adopted = new Map<string, { digest: string; size: number }>();
  const adopt = async (path: string, expected?: string) => {
    const f = lookup(s, path);
    if (!f) throw new ArchiveError(`${input}: ${path} is missing from the archive`);
    let b = adopted.get(f);
    if (!b) {
      b = await store.blobs.adoptFile(f, expected, `${input}: ${path}`);
      adopted.set(f, b);
    }
    return { ...b, mediaType: store.blobs.has(b.digest) ? layerMediaType(store.blobs.path(b.digest)) : OCI_LAYER };
  };
  const out: LoadedImage[] = [];
  for (const e of entries) {
    if (typeof e?.Config !== 'string' || !Array.isArray(e.Layers)) throw new ArchiveError(`${input}: malformed entry in manifest.json`);
    const cfgPath = lookup(s, e.Config);
    if (!cfgPath) throw new ArchiveError(`${input}: ${e.Config} is missing from the archive`);
    const cfg = store.blobs.writeBytes(readFileSync(cfgPath), undefined, e.Config);
    const layers = [];
    for (const l of e.Layers) {
      if (typeof l !== 'string') throw new ArchiveError(`${input}: malformed layer path in manifest.json`);
      const m = /(?:^|\/)blobs\/sha256\/([a-f0-9]{64})$/.exec(l);
      const b = await adopt(l, m ? `sha256:${m[1]}` : undefined);
      layers.push({ mediaType: b.mediaType, digest: b.digest, size: b.size });
    }
    const manifest: Manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_CONFIG, digest: cfg.digest, size: cfg.size }, layers };
    const mb = store.blobs.writeBytes(Buffer.from(JSON.stringify(manifest)));
    const names = (e.RepoTags ?? []).map((t) => formatReference(parseReference(t)));
    out.push({ image: await store.commit(mb.digest, { names }), names });
  }
  return out;
}

async function loadOci(store: ImageStore, s: Spool, input: string): Promise<LoadedImage[]> {
  const blob = async (digest: string) => {
    checkDigest(digest);
    if (store.blobs.has(digest)) return;
    const f = lookup(s, `blobs/sha256/${digest.slice(7)}`);
    if (!f) throw new ArchiveError(`${input}: blob ${digest} is missing from the archive`);
    await store.blobs.adoptFile(f, digest, `${input}: blob ${digest}`);
    s.files.delete(`blobs/sha256/${digest.slice(7)}`);
  };
  const index = readJsonFile<ImageIndex>(s, 'index.json', input);
  if (!Array.isArray(index.manifests)) throw new ArchiveError(`${input}: index.json has no manifests`);
  const out: LoadedImage[] = [];
  for (const top of index.manifests) {
    if (typeof top !== 'object' || top === null) throw new ArchiveError(`${input}: index.json lists a manifest that is not an object`);
    let d = top;
    await blob(d.digest);
    if (isIndexType(d.mediaType)) {
      d = selectManifest(store.blobs.readJson<ImageIndex>(d.digest));
      await blob(d.digest);
    }
    const m = validateManifest(store.blobs.readJson<unknown>(d.digest), `${input}: manifest ${d.digest}`);
    await blob(m.config.digest);
    for (const l of m.layers) await blob(l.digest);
    const ann = top.annotations ?? {};
    const full = ann['io.containerd.image.name'];
    const refName = ann['org.opencontainers.image.ref.name'];
    let name: string | undefined;
    if (full) name = full;
    else if (refName && /[/:]/.test(refName)) name = refName;
    const names = name ? [formatReference(parseReference(name))] : [];
    out.push({ image: await store.commit(d.digest, { names, manifestMediaType: d.mediaType }), names });
  }
  return out;
}

export async function loadArchive(store: ImageStore, input: string): Promise<LoadedImage[]> {
  const s = await spool(store, input);
  try {
    if (lookup(s, 'manifest.json')) return await loadDocker(store, s, input);
    if (lookup(s, 'index.json')) return await loadOci(store, s, input);
    throw new ArchiveError(`${input}: neither a docker-archive (manifest.json) nor an OCI layout (index.json)`);
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
}
