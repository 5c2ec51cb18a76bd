// `image inspect` in Docker's shape.
import type { ImageStore } from '../../image/image-store.js';
import { sortedMap } from '../../container/inspect.js';
import { familiarKey } from '../image/local-actions.js';

export function imageInspect(store: ImageStore, id: string): Record<string, unknown> {
  const img = store.describe(id);
  const size = img.layers.reduce((s, l) => s + (store.layers.get(l.chainId)?.size ?? 0), 0);
  const c = img.config;
  return {
    Id: img.id, RepoTags: img.repoTags.map(familiarKey), RepoDigests: img.repoDigests.map(familiarKey), Parent: '',
    Comment: img.image.history?.at(-1)?.comment ?? '', Created: img.image.created, DockerVersion: '',
    Author: img.image.author ?? '',
    Config: { ...c, Labels: c.Labels ? sortedMap(Object.entries(c.Labels)) : null, ...(c.ExposedPorts ? { ExposedPorts: sortedMap(Object.entries(c.ExposedPorts)) } : {}) },
    Architecture: img.image.architecture, ...(img.image.variant ? { Variant: img.image.variant } : {}), Os: img.image.os,
    Size: size, ManifestDigest: img.manifestDigest,
    GraphDriver: { Name: 'overlay2', Data: { LowerDir: store.rootfsLayers(id).lower.map((l) => `${store.root}/${l}`).join(':') } },
    RootFS: { Type: img.image.rootfs.type, Layers: img.image.rootfs.diff_ids },
  };
}
