// Unpacked layers, one per chain ID: layers/<chain hex>/{diff/, layer.json}.
// Each has a short alias l/<10 chars> → ../layers/<hex>/diff so that an
// overlay mount made from the store root names 100+ lower dirs within one
// page of mount options. A layer is unpacked in tmp/ and renamed into place
// with RENAME_NOREPLACE: it appears whole or not at all, and of two
// concurrent unpacks of the same layer one wins and the other is discarded.
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../state/atomic.js';
import { renameNoReplace } from '../native/fs-ops.js';
import { hex } from './digest.js';
import type { DevicePolicy } from './layer-unpack.js';
import { pidAlive } from '../state/pid.js';

export interface LayerRecord {
  chainId: string;
  diffId: string;
  parent?: string;   // chain ID of the layer below
  link: string;      // short alias under l/
  size: number;      // bytes of the uncompressed tar
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function shortName(): string {
  const b = randomBytes(10);
  let s = '';
  for (const x of b) s += ALPHABET[x & 31];
  return s;
}

export class LayerStore {
  readonly root: string;
  readonly layersDir: string;
  readonly linksDir: string;
  readonly tmpDir: string;
  private readonly inflight = new Map<string, Promise<LayerRecord>>();

  constructor(root: string) {
    this.root = root;
    this.layersDir = join(root, 'layers');
    this.linksDir = join(root, 'l');
    this.tmpDir = join(root, 'tmp');
    for (const d of [this.layersDir, this.linksDir, this.tmpDir]) mkdirSync(d, { recursive: true });
  }

  dir(chainId: string): string {
    return join(this.layersDir, hex(chainId));
  }

  get(chainId: string): LayerRecord | undefined {
    return readJson<LayerRecord>(join(this.dir(chainId), 'layer.json'));
  }

  list(): string[] {
    return readdirSync(this.layersDir).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }

  /** Unpacks `blobPath` as layer `chainId` unless it is already there. */
  ensure(chainId: string, parent: string | undefined, diffId: string, blobPath: string, opts: { devices?: DevicePolicy; what?: string } = {}): Promise<LayerRecord> {
    const have = this.get(chainId);
    if (have) return Promise.resolve(have);
    let p = this.inflight.get(chainId);
    if (!p) {
      p = this.unpack(chainId, parent, diffId, blobPath, opts).finally(() => this.inflight.delete(chainId));
      this.inflight.set(chainId, p);
    }
    return p;
  }

  private async unpack(chainId: string, parent: string | undefined, diffId: string, blobPath: string, opts: { devices?: DevicePolicy; what?: string }): Promise<LayerRecord> {
    const tmp = this.newTmp();
    mkdirSync(join(tmp, 'diff'), { mode: 0o700 });
    try {
      // Loaded on use: the tar code is not needed by commands that only read the store (ps, up with images present).
      const { unpackLayer } = await import('./layer-unpack.js');
      const r = await unpackLayer(blobPath, join(tmp, 'diff'), { diffId, devices: opts.devices, what: opts.what });
      return this.install(tmp, { chainId, diffId, parent, size: r.size });
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
  }

  /**
   * Takes a directory already in the overlay form (a build step's upper dir)
   * as layer `chainId`, instead of unpacking its blob again. The directory is
   * moved (it must be on the store's filesystem); when the layer is already
   * there the directory is discarded.
   */
  adopt(chainId: string, parent: string | undefined, diffId: string, dir: string, size: number): LayerRecord {
    const have = this.get(chainId);
    if (have) { rmSync(dir, { recursive: true, force: true }); return have; }
    const tmp = this.newTmp();
    try {
      renameNoReplace(dir, join(tmp, 'diff'));
      return this.install(tmp, { chainId, diffId, parent, size });
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
  }

  private newTmp(): string {
    const tmp = join(this.tmpDir, `${process.pid}-layer-${randomBytes(6).toString('hex')}`);
    mkdirSync(tmp, { recursive: true, mode: 0o700 });
    return tmp;
  }

  /**
   * `tmp` (holding `diff/`) becomes the layer: a short link for overlay's
   * lowerdir, the record, then one rename. When someone else installed the
   * same layer first, theirs is as good as ours and `tmp` goes.
   */
  private install(tmp: string, r: Omit<LayerRecord, 'link'>): LayerRecord {
    let link: string | undefined;
    try {
      for (;;) {
        const name = shortName();
        try { symlinkSync(`../layers/${hex(r.chainId)}/diff`, join(this.linksDir, name)); link = name; break; } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
      }
      const rec: LayerRecord = { chainId: r.chainId, diffId: r.diffId, parent: r.parent, link, size: r.size };
      writeJsonAtomic(join(tmp, 'layer.json'), rec);
      if (renameNoReplace(tmp, this.dir(r.chainId))) return rec;
      rmSync(join(this.linksDir, link), { force: true });
      rmSync(tmp, { recursive: true, force: true });
      const theirs = this.get(r.chainId);
      if (!theirs) throw new Error(`layer ${r.chainId} appeared without its record`);
      return theirs;
    } catch (e) {
      if (link) rmSync(join(this.linksDir, link), { force: true });
      throw e;
    }
  }

  /** Removes a layer: it vanishes from layers/ first (rename), then its files go. */
  remove(chainId: string): void {
    const rec = this.get(chainId);
    const gone = join(this.tmpDir, `${process.pid}-rm-${randomBytes(6).toString('hex')}`);
    try {
      renameNoReplace(this.dir(chainId), gone);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    if (rec?.link) rmSync(join(this.linksDir, rec.link), { force: true });
    rmSync(gone, { recursive: true, force: true });
  }

  /** Clears what crashed writers left: temp dirs of dead pids and dangling aliases. */
  sweep(): void {
    for (const n of readdirSync(this.tmpDir)) {
      const pid = Number(n.split('-')[0]);
      if (pidAlive(pid)) continue;
      // A dead pull's partial download is kept a day for the next pull to resume.
      if (n.includes('-partial-') && this.isRecent(join(this.tmpDir, n), 24 * 3600_000)) continue;
      rmSync(join(this.tmpDir, n), { recursive: true, force: true });
    }
    for (const n of readdirSync(this.linksDir)) {
      const p = join(this.linksDir, n);
      let target: string;
      try { target = readlinkSync(p); } catch { continue; }
      // A fresh alias of a layer still being unpacked also dangles; only old ones go.
      if (!existsSync(join(this.linksDir, target)) && !this.isRecent(p)) rmSync(p, { force: true });
    }
  }

  private isRecent(p: string, ms = 10 * 60_000): boolean {
    try {
      return Date.now() - lstatSync(p).mtimeMs < ms;
    } catch {
      return false;
    }
  }
}
