// The public face of src/image for the other layers (container, reconcile, CLI).
import { openImageStore, type ImageStore } from './image-store.js';
import type { StatePaths } from '../state/paths.js';

export { ImageStore } from './image-store.js';

export type PullPolicy = 'always' | 'missing' | 'never' | 'build';

/** The store under a state root's images dir. */
export async function imageStoreFor(paths: Pick<StatePaths, 'images'>): Promise<ImageStore> {
  return openImageStore(paths.images);
}
