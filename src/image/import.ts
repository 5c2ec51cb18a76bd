// `image import`: a root filesystem (tarball, possibly gzipped, or a
// directory) becomes a one-layer image, with optional --change instructions.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { BerthError } from '../errors.js';
import { applyChanges } from './changes.js';
import type { ImageStore, ResolvedImage } from './image-store.js';
import { openLayerStream } from './layer-unpack.js';
import { OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST, type ImageConfig, type Manifest } from './media-types.js';
import { hostPlatform } from './platform.js';
import { formatReference, parseReference } from './reference.js';
import { packDirectory } from './tar-dir.js';

export interface ImportOptions {
  changes?: string[];
  message?: string;
  created?: Date;       // fixed creation time: the same input gives the same image ID
  platform?: { os: string; architecture: string; variant?: string };
}

/** Stores an uncompressed tar stream as a gzip layer blob; returns blob and diff digests. */
export async function storeLayer(store: ImageStore, tarStream: Readable[] | Readable): Promise<{ digest: string; size: number; diffId: string }> {
  const hash = createHash('sha256');
  const tap = new Transform({ transform(c: Buffer, _e, cb) { hash.update(c); cb(null, c); } });
  const gzip = zlib.createGzip({ level: 6 });
  const stages = Array.isArray(tarStream) ? tarStream : [tarStream];
  const piping = pipeline([...stages, tap, gzip] as unknown as [Readable, Transform]);
  const [written] = await Promise.all([store.blobs.writeStream(gzip, { what: 'layer' }), piping]);
  return { ...written, diffId: 'sha256:' + hash.digest('hex') };
}

export async function importRootfs(store: ImageStore, source: string, ref: string | undefined, opts: ImportOptions = {}): Promise<ResolvedImage> {
  const names = ref ? [formatReference(parseReference(ref))] : [];
  if (!existsSync(source)) throw new BerthError(`import: ${source} does not exist`);
  const created = (opts.created ?? new Date()).toISOString();
  const stream = statSync(source).isDirectory() ? [packDirectory(source, { mtime: opts.created })] : openLayerStream(source);
  let layer;
  try {
    layer = await storeLayer(store, stream);
  } catch (e) {
    if (e instanceof BerthError) throw e;
    throw new BerthError(`import: cannot read ${source}: ${(e as Error).message}`);
  }
  const platform = opts.platform ?? hostPlatform();
  const config: ImageConfig = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    created,
    config: applyChanges({}, opts.changes ?? []),
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    history: [{ created, created_by: 'berth image import', ...(opts.message ? { comment: opts.message } : {}) }],
  };
  const configBlob = store.blobs.writeBytes(Buffer.from(JSON.stringify(config)));
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: configBlob.digest, size: configBlob.size },
    layers: [{ mediaType: OCI_LAYER_GZIP, digest: layer.digest, size: layer.size }],
  };
  const m = store.blobs.writeBytes(Buffer.from(JSON.stringify(manifest)));
  return store.commit(m.digest, { names, devices: 'allow' });
}
