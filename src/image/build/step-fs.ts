// A filesystem step's workspace: an overlay of the parent layers (read-only
// lowers from the store) and a fresh upper dir, mounted for the step. What
// the step changed is the upper dir: it is packed as the layer blob (overlay
// whiteouts and opaque dirs turned into their tar form) and then moved into
// the layer store as the unpacked layer, so nothing is unpacked twice.
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Transform } from 'node:stream';
import { mountOverlay, umount2, MNT } from '../../native/mount.js';
import { sha256 } from '../digest.js';
import type { ImageStore } from '../image-store.js';
import { storeLayer } from '../import.js';
import { OCI_LAYER_GZIP } from '../media-types.js';
import type { LayerRef } from '../records.js';
import { packDirectory } from '../tar-dir.js';

export interface StepFs {
  dir: string;
  /** The mounted root filesystem. */
  rootfs: string;
  upper: string;
  /** Unmounts the root filesystem (the upper dir stays, to be committed). */
  unmount(): Promise<void>;
  /** Unmounts and removes what is left (the upper dir too unless it was committed). */
  close(): Promise<void>;
}

/** The store-relative lower dirs of a layer list, top-most first; an empty dir for no layers. */
function lowers(store: ImageStore, layers: LayerRef[], empty: string): string[] {
  const out: string[] = [];
  for (const l of [...layers].reverse()) {
    const rec = store.layers.get(l.chainId);
    if (!rec) throw new Error(`layer ${l.chainId} is missing from the store`);
    out.push(`l/${rec.link}`);
  }
  // An overlay needs a lower dir (and two without an upper): the empty dir fills in.
  out.push(relative(store.root, empty));
  return out;
}

/**
 * `mountDir` (a runtime dir) holds the mount point, so that what a crash
 * leaves in the store's tmp/ (swept by pid) is never a live mount.
 */
export async function openStepFs(store: ImageStore, layers: LayerRef[], mountDir?: string): Promise<StepFs> {
  const name = `${process.pid}-build-${randomBytes(6).toString('hex')}`;
  const dir = join(store.layers.tmpDir, name);
  const rootfs = mountDir ? join(mountDir, name) : join(dir, 'rootfs');
  const upper = join(dir, 'upper');
  for (const d of [dir, rootfs, upper, join(dir, 'work'), join(dir, 'empty')]) mkdirSync(d, { recursive: true, mode: 0o755 });
  let mounted = false;
  const unmount = async () => {
    if (!mounted) return;
    try { await umount2(rootfs, 0); } catch { await umount2(rootfs, MNT.DETACH).catch(() => undefined); }
    mounted = false;
  };
  const close = async () => {
    await unmount();
    rmSync(dir, { recursive: true, force: true });
    if (mountDir) rmSync(rootfs, { recursive: true, force: true });
  };
  try {
    await mountOverlay({ base: store.root, lower: lowers(store, layers, join(dir, 'empty')), upper, work: join(dir, 'work'), target: rootfs });
    mounted = true;
  } catch (e) {
    await close();
    throw e;
  }
  return { dir, rootfs, upper, unmount, close };
}

/** Empty mount-point dirs the runtime made in the upper dir (that no lower had) are not part of the layer. */
export function dropMountPoints(upper: string, points: readonly string[], existedBefore: Set<string>): void {
  for (const p of [...points].sort((a, b) => b.length - a.length)) {
    if (existedBefore.has(p)) continue;
    const abs = join(upper, p);
    try {
      if (lstatSync(abs).isDirectory() && readdirSync(abs).length === 0) rmdirSync(abs);
    } catch { /* not there */ }
    // Parents the runtime made for a nested mount point (/dev/pts → /dev) go too when left empty.
    for (let q = p.slice(0, p.lastIndexOf('/')); q && !existedBefore.has(q); q = q.slice(0, q.lastIndexOf('/'))) {
      try { if (readdirSync(join(upper, q)).length === 0) rmdirSync(join(upper, q)); } catch { /* not there */ }
    }
  }
}

export interface CommitTimes { packMs: number }

/**
 * The upper dir as a layer on top of `parent` (a chain ID): blob (gzip),
 * diff ID, and the unpacked layer in the store. Undefined when the step
 * changed nothing.
 */
export async function commitUpper(store: ImageStore, upper: string, parent: string | undefined, times?: CommitTimes): Promise<LayerRef | undefined> {
  if (readdirSync(upper).length === 0) return undefined;
  const t0 = Date.now();
  let tarSize = 0;
  const count = new Transform({ transform(c: Buffer, _e, cb) { tarSize += c.length; cb(null, c); } });
  const blob = await storeLayer(store, [packDirectory(upper, { overlay: true }), count]);
  const chainId = parent ? sha256(`${parent} ${blob.diffId}`) : blob.diffId;
  store.layers.adopt(chainId, parent, blob.diffId, upper, tarSize);
  if (times) times.packMs += Date.now() - t0;
  return { digest: blob.digest, mediaType: OCI_LAYER_GZIP, size: blob.size, diffId: blob.diffId, chainId };
}
