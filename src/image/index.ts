// The public face of src/image for the other layers (container, reconcile, CLI).
import { openImageStore, type ImageStore } from './image-store.js';

export { ImageStore } from './image-store.js';

export type PullPolicy = 'always' | 'missing' | 'never' | 'build';

/** The store under a state root's images dir. */
export async function imageStoreFor(root?: string): Promise<ImageStore> {
  const { statePaths } = await import('../state/paths.js');
  return openImageStore(statePaths(root).images);
}
