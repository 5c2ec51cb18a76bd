// `images`: the images the project's containers use, one row per container.
import { compareText } from '../text-order.js';
import { listRecords } from '../container/record.js';
import { imageStoreFor } from '../image/index.js';
import { familiarName, parseReference } from '../image/reference.js';
import { LABELS } from '../reconcile/desired.js';
import { pathsAt } from './state-root.js';

export interface ImageRow { ID: string; ContainerName: string; Repository: string; Tag: string; Platform: string; Size: number; Created: string }

/** Rows sorted by container name; `services` empty: all. */
export async function projectImages(root: string | undefined, project: string, services: string[]): Promise<ImageRow[]> {
  const paths = pathsAt(root);
  const store = await imageStoreFor(paths);
  const rows: ImageRow[] = [];
  for (const r of listRecords(paths)) {
    if (r.labels[LABELS.project] !== project) continue;
    if (services.length && !services.includes(r.labels[LABELS.service] ?? '')) continue;
    const id = r.image.id ?? store.lookup(r.image.ref);
    let repo = '<none>';
    let tag = '<none>';
    try {
      const ref = parseReference(r.image.ref);
      repo = familiarName(`${ref.domain}/${ref.path}`);
      tag = ref.tag ?? (ref.digest ? '<none>' : 'latest');
    } catch { /* an ID rather than a reference */ }
    let size = 0;
    let created = '';
    let platform = '';
    if (id) {
      try {
        const rec = store.record(id);
        size = rec.layers.reduce((n, l) => n + (store.layers.get(l.chainId)?.size ?? 0), 0);
        created = rec.created ?? '';
        const img = store.describe(id).image;
        platform = [img.os, img.architecture, img.variant].filter(Boolean).join('/');
      } catch { /* the image was removed from the store */ }
    }
    rows.push({ ID: id ?? '', ContainerName: r.name, Repository: repo, Tag: tag, Platform: platform, Size: size, Created: created });
  }
  return rows.sort((a, b) => compareText(a.ContainerName, b.ContainerName));
}
