// The image store: blobs, unpacked layers, image records and references under
// one root (statePaths(root).images). This is the API the container layer and
// the CLI use: resolve a reference, get the overlay lower dirs, hold an image
// while a container uses it, and add, tag, remove and prune images.
import { compareText } from '../text-order.js';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { BerthError } from '../errors.js';
import { BlobStore } from './blob-store.js';
import { chainIds, checkDigest } from './digest.js';
import { LayerStore } from './layer-store.js';
import type { DevicePolicy } from './layer-unpack.js';
import type { ContainerConfig, ImageConfig } from './media-types.js';
import { MANIFEST_TYPES, OCI_MANIFEST, validateManifest } from './media-types.js';
import { Records, type ImageRecord, type LayerRef } from './records.js';
import { formatReference, parseReference } from './reference.js';
import { withStoreLock } from './store-lock.js';

export type { ImageRecord } from './records.js';

export interface ResolvedImage {
  id: string;
  config: ContainerConfig;       // the runtime config: Entrypoint, Cmd, Env, ...
  image: ImageConfig;            // the whole OCI image config
  manifestDigest: string;
  layers: LayerRef[];
  repoTags: string[];
  repoDigests: string[];
}

export interface RootfsLayers {
  base: string;      // chdir here before mounting
  lower: string[];   // relative to base, top-most first (overlay lowerdir order)
}

export interface ImageSummary {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  created?: string;
  size: number;
  layers: number;
  inUse: number;
}

export class NoSuchImageError extends BerthError {
  constructor(ref: string) {
    super(`no such image: ${ref}`);
  }
}

export class ImageStore {
  readonly root: string;
  readonly blobs: BlobStore;
  readonly layers: LayerStore;
  readonly records: Records;

  constructor(root: string) {
    this.root = root;
    mkdirSync(root, { recursive: true, mode: 0o700 });
    this.blobs = new BlobStore(root);
    this.layers = new LayerStore(root);
    this.records = new Records(root);
  }

  lock<T>(fn: () => T | Promise<T>): Promise<T> {
    return withStoreLock(this.root, fn);
  }

  /** The image ID a reference or (short) ID names, or undefined. */
  lookup(ref: string): string | undefined {
    const refs = this.records.refs();
    const idForm = /^(?:sha256:)?([a-f0-9]{64})$/.exec(ref);
    if (idForm && this.records.get(`sha256:${idForm[1]}`)) return `sha256:${idForm[1]}`;
    let parsed;
    try { parsed = parseReference(ref); } catch { parsed = undefined; }
    if (parsed) {
      const key = parsed.digest ? `${parsed.domain}/${parsed.path}@${parsed.digest}` : formatReference(parsed);
      if (refs[key]) return refs[key];
      if (parsed.digest) {
        // name@digest may name the image by its manifest digest under another tag.
        for (const id of this.records.ids()) if (this.records.get(id)?.manifestDigest === parsed.digest) return id;
      }
    }
    if (/^[a-f0-9]{4,63}$/.test(ref)) {
      const hits = this.records.ids().filter((id) => id.startsWith(`sha256:${ref}`));
      if (hits.length > 1) throw new BerthError(`ambiguous image ID prefix ${ref}`);
      if (hits.length === 1) return hits[0];
    }
    return undefined;
  }

  /** The store's key for a reference (as in refs.json), or undefined when it does not parse. */
  private refKey(ref: string): string | undefined {
    try {
      const parsed = parseReference(ref);
      return parsed.digest ? `${parsed.domain}/${parsed.path}@${parsed.digest}` : formatReference(parsed);
    } catch { return undefined; }
  }

  /** Records that these references were just pulled from a registry. */
  async recordPull(refs: string[], at = new Date()): Promise<void> {
    await this.lock(() => {
      const pulls = this.records.pulls();
      for (const r of refs) { const k = this.refKey(r); if (k) pulls[k] = at.toISOString(); }
      this.records.savePulls(pulls);
    });
  }

  /** When the reference was last pulled from a registry (undefined: never, or made locally). */
  pulledAt(ref: string): Date | undefined {
    const k = this.refKey(ref);
    const t = k ? this.records.pulls()[k] : undefined;
    return t ? new Date(t) : undefined;
  }

  record(id: string): ImageRecord {
    const rec = this.records.get(id);
    if (!rec) throw new NoSuchImageError(id);
    return rec;
  }

  resolve(ref: string): ResolvedImage {
    const id = this.lookup(ref);
    if (!id) throw new NoSuchImageError(ref);
    return this.describe(id);
  }

  describe(id: string): ResolvedImage {
    const rec = this.record(id);
    const image = this.blobs.readJson<ImageConfig>(rec.id);
    const keys = this.records.refsOf(id);
    return {
      id,
      config: image.config ?? {},
      image,
      manifestDigest: rec.manifestDigest,
      layers: rec.layers,
      repoTags: keys.filter((k) => !k.includes('@')),
      repoDigests: keys.filter((k) => k.includes('@')),
    };
  }

  /** Overlay lower dirs for an image, relative to the store root. */
  rootfsLayers(imageId: string): RootfsLayers {
    const rec = this.record(this.lookup(imageId) ?? imageId);
    const lower: string[] = [];
    for (const l of [...rec.layers].reverse()) {
      const lr = this.layers.get(l.chainId);
      if (!lr) throw new BerthError(`layer ${l.chainId} of image ${rec.id} is missing from the store; pull the image again`);
      lower.push(`l/${lr.link}`);
    }
    return { base: this.root, lower };
  }

  /** Records that `holder` (a container) uses an image, so it is never removed under it. */
  async acquire(imageId: string, holder: string): Promise<void> {
    await this.lock(async () => {
      const id = this.lookup(imageId);
      if (!id) throw new NoSuchImageError(imageId);
      await this.records.putHoldAsync({ holder, imageId: id });
    });
  }

  async release(holder: string): Promise<void> {
    await this.lock(() => this.records.deleteHold(holder));
  }

  /** Protects blobs and layers being added (a pull in progress) from a concurrent prune. */
  protect(blobs: string[], chains: string[] = []): { add: (chains: string[]) => void; release: () => void } {
    const holder = `pending-${process.pid}-${randomBytes(4).toString('hex')}`;
    const hold = { holder, pid: process.pid, blobs, chainIds: chains };
    this.records.putHold(hold);
    return {
      add: (more) => { hold.chainIds = [...hold.chainIds, ...more]; this.records.putHold(hold); },
      release: () => this.records.deleteHold(holder),
    };
  }

  /**
   * Adds an image whose manifest, config and layer blobs are already in the
   * blob store: unpacks the layers, writes the record, then points `names`
   * (normalized "name:tag") and `repoDigests` ("name@sha256:…") at it.
   */
  async commit(manifestDigest: string, opts: { names?: string[]; repoDigests?: string[]; devices?: DevicePolicy; manifestMediaType?: string } = {}): Promise<ResolvedImage> {
    const manifest = validateManifest(this.blobs.readJson<unknown>(manifestDigest), `manifest ${manifestDigest}`);
    const mediaType = manifest.mediaType ?? opts.manifestMediaType ?? OCI_MANIFEST;
    if (!MANIFEST_TYPES.includes(mediaType)) throw new BerthError(`manifest ${manifestDigest} is not an image manifest (${mediaType})`);
    const configDigest = checkDigest(manifest.config.digest, 'config digest');
    const image = this.blobs.readJson<ImageConfig>(configDigest);
    const diffIds = image.rootfs?.diff_ids;
    if (!Array.isArray(diffIds)) throw new BerthError(`image config ${configDigest} has no rootfs.diff_ids list`);
    if (diffIds.length !== manifest.layers.length) {
      throw new BerthError(`image config ${configDigest} lists ${diffIds.length} layers but the manifest has ${manifest.layers.length}`);
    }
    diffIds.forEach((d) => checkDigest(d, 'diff ID'));
    const chains = chainIds(diffIds);
    const guard = this.protect([manifestDigest, configDigest, ...manifest.layers.map((l) => l.digest)], chains);
    try {
      const layers: LayerRef[] = manifest.layers.map((l, i) => ({
        digest: checkDigest(l.digest, 'layer digest'), mediaType: l.mediaType, size: l.size, diffId: diffIds[i], chainId: chains[i],
      }));
      await mapLimit(layers, 3, (l, i) => this.layers.ensure(l.chainId, chains[i - 1], l.diffId, this.blobs.path(l.digest), {
        devices: opts.devices, what: `layer ${l.digest}`,
      }));
      await this.lock(() => {
        const existing = this.records.get(configDigest);
        this.records.put({
          id: configDigest, manifestDigest, manifestMediaType: mediaType, layers,
          created: image.created, added: existing?.added ?? new Date().toISOString(),
        });
        const refs = this.records.refs();
        for (const n of [...(opts.names ?? []), ...(opts.repoDigests ?? [])]) refs[n] = configDigest;
        this.records.saveRefs(refs);
      });
    } finally {
      guard.release();
    }
    return this.describe(configDigest);
  }

  /** Points `target` (a reference) at the image `source` names. */
  async tag(source: string, target: string): Promise<string> {
    const r = parseReference(target);
    if (r.digest) throw new BerthError(`cannot tag with a digest reference: ${target}`);
    const key = formatReference(r);
    await this.lock(() => {
      const id = this.lookup(source);
      if (!id) throw new NoSuchImageError(source);
      const refs = this.records.refs();
      refs[key] = id;
      this.records.saveRefs(refs);
    });
    return key;
  }

  list(): ImageSummary[] {
    const refs = this.records.refs();
    const holds = this.records.holds();
    return this.records.ids().map((id) => {
      const rec = this.records.get(id)!;
      const keys = this.records.refsOf(id, refs);
      const size = rec.layers.reduce((s, l) => s + (this.layers.get(l.chainId)?.size ?? 0), 0);
      return {
        id, repoTags: keys.filter((k) => !k.includes('@')), repoDigests: keys.filter((k) => k.includes('@')),
        created: rec.created, size, layers: rec.layers.length, inUse: holds.filter((h) => h.imageId === id).length,
      };
    }).sort((a, b) => compareText(b.created ?? '', a.created ?? ''));
  }

  /**
   * `image rm`: a name:tag reference of an image with other tags is only
   * untagged; otherwise the image goes, unless a container holds it.
   */
  async remove(ref: string, { force = false } = {}): Promise<{ untagged: string[]; deleted: string[] }> {
    return this.lock(() => {
      const id = this.lookup(ref);
      if (!id) throw new NoSuchImageError(ref);
      const refs = this.records.refs();
      const keys = this.records.refsOf(id, refs);
      const tags = keys.filter((k) => !k.includes('@'));
      const byName = keys.find((k) => k === refKeyOf(ref));
      const untagged: string[] = [];
      if (byName && tags.length > 1 && !byName.includes('@')) {
        delete refs[byName];
        this.records.saveRefs(refs);
        return { untagged: [byName], deleted: [] };
      }
      if (!byName && tags.length > 1 && !force) {
        throw new BerthError(`image ${id.slice(7, 19)} is referenced by several tags (${tags.join(', ')}): remove them by name or use --force`);
      }
      const holders = this.records.holds().filter((h) => h.imageId === id).map((h) => h.holder);
      if (holders.length > 0) {
        throw new BerthError(`image ${ref} is in use by ${holders.length === 1 ? 'container' : 'containers'} ${holders.join(', ')}`);
      }
      for (const k of keys) { delete refs[k]; untagged.push(k); }
      this.records.saveRefs(refs);
      this.records.delete(id);
      this.collect();
      return { untagged, deleted: [id] };
    });
  }

  /** Removes dangling images (all unused ones with `all`), then unreferenced layers and blobs. */
  /** The images `prune` would remove. */
  pruneCandidates({ all = false } = {}): string[] {
    const refs = this.records.refs();
    const held = new Set(this.records.holds().map((h) => h.imageId));
    return this.records.ids().filter((id) => !held.has(id) && (all || !this.records.refsOf(id, refs).some((k) => !k.includes('@'))));
  }

  async prune({ all = false } = {}): Promise<{ deleted: string[]; reclaimed: number }> {
    return this.lock(() => {
      const refs = this.records.refs();
      const deleted: string[] = [];
      for (const id of this.pruneCandidates({ all })) {
        const keys = this.records.refsOf(id, refs);
        for (const k of keys) delete refs[k];
        this.records.delete(id);
        deleted.push(id);
      }
      this.records.saveRefs(refs);
      return { deleted, reclaimed: this.collect() };
    });
  }

  /** Garbage collection under the lock: layers and blobs no record or hold uses. */
  private collect(): number {
    const chains = new Set<string>();
    const blobs = new Set<string>();
    for (const id of this.records.ids()) {
      const rec = this.records.get(id);
      if (!rec) continue;
      blobs.add(rec.id); blobs.add(rec.manifestDigest);
      for (const l of rec.layers) { chains.add(l.chainId); blobs.add(l.digest); }
    }
    for (const h of this.records.holds()) {
      for (const c of h.chainIds ?? []) chains.add(c);
      for (const b of h.blobs ?? []) blobs.add(b);
    }
    let reclaimed = 0;
    for (const c of this.layers.list()) {
      if (chains.has(c)) continue;
      reclaimed += this.layers.get(c)?.size ?? 0;
      this.layers.remove(c);
    }
    for (const b of this.blobs.list()) {
      if (blobs.has(b)) continue;
      reclaimed += this.blobs.size(b);
      this.blobs.remove(b);
    }
    this.layers.sweep();
    return reclaimed;
  }
}

function refKeyOf(ref: string): string | undefined {
  try {
    const r = parseReference(ref);
    return r.digest ? `${r.domain}/${r.path}@${r.digest}` : formatReference(r);
  } catch {
    return undefined;
  }
}

/** Runs fn over items with at most `limit` at a time; fails on the first error after all settle. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < items.length && failure === undefined) {
      const i = next++;
      try { out[i] = await fn(items[i], i); } catch (e) { failure ??= e; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
  return out;
}

const stores = new Map<string, ImageStore>();

/** Opens (creating if needed) the image store at `root` (statePaths(root).images). */
export function openImageStore(root: string): ImageStore {
  let s = stores.get(root);
  if (!s) {
    s = new ImageStore(root);
    // What a crashed writer left (temp dirs of dead pids) goes on first use.
    s.layers.sweep();
    stores.set(root, s);
  }
  return s;
}
