// `image save`: images to a docker-archive (manifest.json, <config>.json,
// <diff id>/layer.tar uncompressed, repositories) or an OCI layout tarball
// (oci-layout, index.json, blobs/sha256/* as stored).
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { hex } from '../digest.js';
import { NoSuchImageError, type ImageStore } from '../image-store.js';
import { openLayerStream } from '../layer-unpack.js';
import { OCI_INDEX } from '../media-types.js';
import { familiarName, formatReference, parseReference, splitRefKey } from '../reference.js';

export type ArchiveFormat = 'docker-archive' | 'oci-archive';

const MTIME = new Date(0);

function addBytes(pack: tar.Pack, name: string, data: Buffer | string): void {
  pack.entry({ name, mtime: MTIME, mode: 0o644 }, Buffer.from(data));
}

function addStream(pack: tar.Pack, name: string, size: number, stages: NodeJS.ReadableStream[]): Promise<void> {
  const entry = pack.entry({ name, size, mtime: MTIME, mode: 0o644 });
  return pipeline([...stages, entry] as unknown as [NodeJS.ReadableStream, NodeJS.WritableStream]);
}

/** Images named by `refs`, with the references to record for each: a
 * reference keeps just that name; an ID keeps every tag of the image. */
function selectImages(store: ImageStore, refs: string[]): Array<{ id: string; names: string[] }> {
  const out = new Map<string, string[]>();
  for (const ref of refs) {
    const id = store.lookup(ref);
    if (!id) throw new NoSuchImageError(ref);
    const names = out.get(id) ?? [];
    const tags = store.records.refsOf(id).filter((k) => !k.includes('@'));
    let key: string | undefined;
    try { const r = parseReference(ref); key = r.digest ? undefined : formatReference(r); } catch { key = undefined; }
    for (const n of key && tags.includes(key) ? [key] : tags) if (!names.includes(n)) names.push(n);
    out.set(id, names);
  }
  return [...out.entries()].map(([id, names]) => ({ id, names }));
}

async function writeDocker(store: ImageStore, pack: tar.Pack, images: Array<{ id: string; names: string[] }>): Promise<void> {
  const manifest = [];
  const repositories: Record<string, Record<string, string>> = {};
  const written = new Set<string>();
  for (const { id, names } of images) {
    const rec = store.record(id);
    const cfgName = `${hex(id)}.json`;
    if (!written.has(cfgName)) { addBytes(pack, cfgName, store.blobs.read(id)); written.add(cfgName); }
    const layers: string[] = [];
    for (const l of rec.layers) {
      const name = `${hex(l.diffId)}/layer.tar`;
      layers.push(name);
      if (written.has(name)) continue;
      written.add(name);
      const size = store.layers.get(l.chainId)?.size;
      if (size === undefined) throw new NoSuchImageError(`layer ${l.chainId} of ${id}`);
      await addStream(pack, name, size, openLayerStream(store.blobs.path(l.digest)));
    }
    const tags = names.map((n) => { const s = splitRefKey(n); return `${familiarName(s.name)}:${s.tag}`; });
    for (const n of names) {
      const s = splitRefKey(n);
      (repositories[familiarName(s.name)] ??= {})[s.tag!] = hex(rec.layers[rec.layers.length - 1]?.diffId ?? id);
    }
    manifest.push({ Config: cfgName, RepoTags: tags.length ? tags : null, Layers: layers });
  }
  addBytes(pack, 'manifest.json', JSON.stringify(manifest));
  addBytes(pack, 'repositories', JSON.stringify(repositories));
}

async function writeOci(store: ImageStore, pack: tar.Pack, images: Array<{ id: string; names: string[] }>): Promise<void> {
  addBytes(pack, 'oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const written = new Set<string>();
  const blob = async (digest: string) => {
    if (written.has(digest)) return;
    written.add(digest);
    await addStream(pack, `blobs/sha256/${hex(digest)}`, store.blobs.size(digest), [store.blobs.stream(digest)]);
  };
  const manifests = [];
  for (const { id, names } of images) {
    const rec = store.record(id);
    for (const l of rec.layers) await blob(l.digest);
    await blob(id);
    await blob(rec.manifestDigest);
    const desc = { mediaType: rec.manifestMediaType, digest: rec.manifestDigest, size: store.blobs.size(rec.manifestDigest) };
    if (names.length === 0) manifests.push(desc);
    for (const n of names) {
      manifests.push({ ...desc, annotations: { 'io.containerd.image.name': n, 'org.opencontainers.image.ref.name': splitRefKey(n).tag ?? 'latest' } });
    }
  }
  addBytes(pack, 'index.json', JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
}

export async function saveArchive(store: ImageStore, refs: string[], format: ArchiveFormat, out: Writable): Promise<void> {
  const images = selectImages(store, refs);
  const pack = tar.pack();
  const sink = pipeline(pack as unknown as NodeJS.ReadableStream, out);
  try {
    if (format === 'oci-archive') await writeOci(store, pack, images);
    else await writeDocker(store, pack, images);
    pack.finalize();
  } catch (e) {
    pack.destroy(e as Error);
    await sink.catch(() => {});
    throw e;
  }
  await sink;
}
