// Makes images directly in a store from tarball entry lists, for the tests.
import type { ImageStore, ResolvedImage } from '../../src/image/image-store.js';
import { sha256 } from '../../src/image/digest.js';
import { OCI_CONFIG, OCI_LAYER, OCI_LAYER_GZIP, OCI_MANIFEST, type ContainerConfig } from '../../src/image/media-types.js';
import { gunzipSync } from 'node:zlib';
import { formatReference, parseReference } from '../../src/image/reference.js';
import { makeTar, type Entry } from './tarball.js';

export async function buildImage(store: ImageStore, layers: Entry[][], names: string[], config: ContainerConfig = {}, { gzip = true, architecture = 'amd64' } = {}): Promise<ResolvedImage> {
  const descs = [];
  const diffIds = [];
  for (const entries of layers) {
    const data = await makeTar(entries, { gzip });
    const b = store.blobs.writeBytes(data);
    descs.push({ mediaType: gzip ? OCI_LAYER_GZIP : OCI_LAYER, digest: b.digest, size: b.size });
    diffIds.push(sha256(gzip ? gunzipSync(data) : data));
  }
  const cfg = store.blobs.writeBytes(Buffer.from(JSON.stringify({
    architecture, os: 'linux', created: '2024-01-01T00:00:00Z', config,
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: layers.map((_, i) => ({ created: '2024-01-01T00:00:00Z', created_by: `layer ${i}` })),
  })));
  const m = store.blobs.writeBytes(Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_CONFIG, digest: cfg.digest, size: cfg.size }, layers: descs,
  })));
  return store.commit(m.digest, { names: names.map((n) => formatReference(parseReference(n))) });
}

/** The classic three-layer image with a whiteout and an opaque directory. */
export const WHITEOUT_LAYERS: Entry[][] = [
  [
    { name: 'etc/', type: 'directory' },
    { name: 'etc/a', body: 'a1' },
    { name: 'etc/b', body: 'b1' },
    { name: 'opq/', type: 'directory' },
    { name: 'opq/x', body: 'x' },
    { name: 'opq/y', body: 'y' },
    { name: 'bin/', type: 'directory' },
    { name: 'bin/tool', body: 'tool', mode: 0o755 },
  ],
  [
    { name: 'etc/.wh.a' },
    { name: 'opq/.wh..wh..opq' },
    { name: 'opq/z', body: 'z' },
    { name: 'etc/c', body: 'c2' },
  ],
  [
    { name: 'etc/b', body: 'b3' },
    { name: 'bin/tool2', body: 'tool2', mode: 0o755 },
    { name: 'bin/alias', type: 'link', linkname: 'bin/tool2' },
    { name: 'etc/link', type: 'symlink', linkname: '/etc/c' },
  ],
];
