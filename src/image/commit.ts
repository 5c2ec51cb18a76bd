// `commit`: a container's upper dir becomes one more layer on top of its
// image (whiteouts in the OCI `.wh.` form), with the image config carried
// over, `--change` instructions applied and a history entry added.
import { BerthError } from '../errors.js';
import { applyChanges } from './changes.js';
import type { ImageStore, ResolvedImage } from './image-store.js';
import { storeLayer } from './import.js';
import { OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST, type ImageConfig, type Manifest } from './media-types.js';
import { formatReference, parseReference } from './reference.js';
import { packDirectory } from './tar-dir.js';

export interface CommitOptions {
  /** name[:tag] for the new image; none makes an untagged image. */
  ref?: string;
  changes?: string[];
  message?: string;
  author?: string;
  /** The history entry's created_by (what the container ran). */
  createdBy?: string;
  /** Paths (relative to the root) of the upper dir that are not part of the layer. */
  skip?: ReadonlySet<string>;
}

export async function commitUpperDir(store: ImageStore, parentId: string, upper: string, o: CommitOptions = {}): Promise<ResolvedImage> {
  const names = o.ref ? [formatReference(parseReference(o.ref))] : [];
  const parent = store.describe(parentId);
  // Checked before any blob is written: a bad --change leaves nothing behind.
  const config = applyChanges(parent.config, o.changes ?? []);
  const layer = await storeLayer(store, [packDirectory(upper, { overlay: true, skip: o.skip })]);
  const created = new Date().toISOString();
  const image: ImageConfig = {
    ...parent.image,
    created,
    ...(o.author ? { author: o.author } : {}),
    config,
    rootfs: { type: 'layers', diff_ids: [...parent.image.rootfs.diff_ids, layer.diffId] },
    history: [...(parent.image.history ?? []), {
      created, created_by: o.createdBy ?? '', ...(o.author ? { author: o.author } : {}), ...(o.message ? { comment: o.message } : {}),
    }],
  };
  const configBlob = store.blobs.writeBytes(Buffer.from(JSON.stringify(image)));
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: configBlob.digest, size: configBlob.size },
    layers: [...parent.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })), { mediaType: OCI_LAYER_GZIP, digest: layer.digest, size: layer.size }],
  };
  for (const l of parent.layers) if (!store.blobs.has(l.digest)) throw new BerthError(`commit: the blob of layer ${l.digest} of the image is missing from the store`);
  const m = store.blobs.writeBytes(Buffer.from(JSON.stringify(manifest)));
  return store.commit(m.digest, { names });
}
