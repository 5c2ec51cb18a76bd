// Image work for a set of services, for the Compose-level `pull`, `push` and
// `images` commands and for `up`: the caller maps its Project model to a
// list of ServiceImage; this module knows nothing of Compose.
import { BerthError } from '../errors.js';
import { mapLimit, type ImageStore, type ResolvedImage } from './image-store.js';
import type { PullPolicy } from './index.js';
import { formatReference, parseReference } from './reference.js';
import { pullImage, type ProgressEvent } from './registry/pull.js';
import { pushImage } from './registry/push.js';
import type { RegistryAccess } from './registry/client.js';

export interface ServiceImage {
  service: string;
  image: string;            // reference as written in the service
  pullPolicy?: PullPolicy;  // default: missing
  hasBuild?: boolean;       // services with `build:` are skipped by pull unless their image is pullable
}

export interface ServiceResult {
  service: string;
  image: string;
  id?: string;
  status: 'pulled' | 'present' | 'skipped' | 'pushed' | 'failed';
  error?: string;
}

export interface ManyOptions {
  /** How registries are reached. */
  access: RegistryAccess;
  /** Progress per service: events carry the service name. */
  onProgress?: (service: string, e: ProgressEvent) => void;
  /** Keep going when one service fails (Compose's --ignore-pull-failures / --ignore-push-failures). */
  ignoreFailures?: boolean;
  concurrency?: number;
}

/** Pulls each distinct image once; `always` re-pulls, `never`/`build` only check the store. */
export async function pullServiceImages(store: ImageStore, services: ServiceImage[], opts: ManyOptions & { policyOverride?: PullPolicy }): Promise<ServiceResult[]> {
  const byRef = new Map<string, Promise<ResolvedImage | undefined>>();
  const results = await mapLimit(services, opts.concurrency ?? 4, async (s): Promise<ServiceResult> => {
    const policy = opts.policyOverride ?? s.pullPolicy ?? 'missing';
    const key = formatReference(parseReference(s.image));
    const have = store.lookup(key);
    if (policy === 'never' || (policy === 'build' && s.hasBuild) || (have && policy !== 'always')) {
      return { service: s.service, image: s.image, id: have, status: have ? 'present' : 'skipped' };
    }
    try {
      let p = byRef.get(key);
      if (!p) {
        p = pullImage(store, key, { ...opts.access, onProgress: (e) => opts.onProgress?.(s.service, e) });
        byRef.set(key, p);
      }
      const img = await p;
      return { service: s.service, image: s.image, id: img?.id, status: 'pulled' };
    } catch (e) {
      if (!(e instanceof BerthError) || !opts.ignoreFailures) throw e;
      return { service: s.service, image: s.image, status: 'failed', error: e.message };
    }
  });
  return results;
}

/** Pushes each distinct image of the services once, in parallel. */
export async function pushServiceImages(store: ImageStore, services: ServiceImage[], opts: ManyOptions): Promise<ServiceResult[]> {
  const seen = new Map<string, Promise<void>>();
  return mapLimit(services, opts.concurrency ?? 4, async (s): Promise<ServiceResult> => {
    const key = formatReference(parseReference(s.image));
    try {
      let p = seen.get(key);
      if (!p) {
        p = pushImage(store, key, { ...opts.access, onProgress: (e) => opts.onProgress?.(s.service, e) }).then(() => undefined);
        seen.set(key, p);
      }
      await p;
      return { service: s.service, image: s.image, id: store.lookup(key), status: 'pushed' };
    } catch (e) {
      if (!(e instanceof BerthError) || !opts.ignoreFailures) throw e;
      return { service: s.service, image: s.image, status: 'failed', error: e.message };
    }
  });
}

/** For `berth images`: the stored image of each service (undefined id when absent). */
export function serviceImageRows(store: ImageStore, services: ServiceImage[]): Array<{ service: string; image: string; id?: string; size?: number; created?: string }> {
  return services.map((s) => {
    const id = store.lookup(s.image);
    if (!id) return { service: s.service, image: s.image };
    const rec = store.record(id);
    const size = rec.layers.reduce((n, l) => n + (store.layers.get(l.chainId)?.size ?? 0), 0);
    return { service: s.service, image: s.image, id, size, created: rec.created };
  });
}
