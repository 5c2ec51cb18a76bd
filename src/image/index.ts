// The public face of src/image for the other layers (container, reconcile, CLI).
import { openImageStore, type ImageStore, type ResolvedImage } from './image-store.js';
import { pullImage, type PullOptions } from './registry/pull.js';

export { openImageStore, ImageStore, NoSuchImageError, type ResolvedImage, type RootfsLayers, type ImageSummary } from './image-store.js';
export { pullImage, type ProgressEvent, type PullOptions } from './registry/pull.js';
export { pushImage, type PushOptions } from './registry/push.js';
export { importRootfs, storeLayer, type ImportOptions } from './import.js';
export { packDirectory, type PackOptions } from './tar-dir.js';
export { loadArchive } from './archive/load.js';
export { saveArchive, type ArchiveFormat } from './archive/save.js';
export { parseReference, formatReference, familiarName, type Reference } from './reference.js';
export type { ContainerConfig, ImageConfig } from './media-types.js';

export type PullPolicy = 'always' | 'missing' | 'never' | 'build';

/**
 * The image for a service: from the store, pulled when missing (or always).
 * `never` and `build` only look in the store.
 */
export async function ensureImage(store: ImageStore, ref: string, policy: PullPolicy = 'missing', opts: PullOptions = {}): Promise<ResolvedImage> {
  const have = store.lookup(ref);
  if (have && policy !== 'always') return store.describe(have);
  if (!have && (policy === 'never' || policy === 'build')) return store.resolve(ref); // throws "no such image"
  return pullImage(store, ref, opts);
}

/** The store under a state root's images dir. */
export async function imageStoreFor(root?: string): Promise<ImageStore> {
  const { statePaths } = await import('../state/paths.js');
  return openImageStore(statePaths(root).images);
}
export { pullServiceImages, pushServiceImages, serviceImageRows, type ServiceImage, type ServiceResult } from './project-images.js';
