// Image records and the reference index, as stored under the image store root:
// records/<config hex>.json per image, refs.json mapping "name:tag" and
// "name@sha256:…" to image IDs, holds/<holder>.json for images in use.
import { compareText } from '../text-order.js';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readJson, writeJsonAtomic, writeJsonAtomicAsync } from '../state/atomic.js';
import { hex } from './digest.js';
import { pidAlive } from '../state/pid.js';

export interface LayerRef {
  digest: string;     // blob digest (compressed as stored)
  mediaType: string;
  size: number;       // blob size
  diffId: string;
  chainId: string;
}

export interface ImageRecord {
  id: string;                 // config digest
  manifestDigest: string;
  manifestMediaType: string;
  layers: LayerRef[];         // bottom-most first, as in the manifest
  created?: string;           // from the config
  added: string;              // when it entered this store
}

export interface Hold {
  holder: string;
  imageId?: string;
  pid?: number;               // set for temporary protections (pulls in progress)
  chainIds?: string[];
  blobs?: string[];
}

export class Records {
  readonly recordsDir: string;
  readonly holdsDir: string;
  readonly refsFile: string;

  constructor(root: string) {
    this.recordsDir = join(root, 'records');
    this.holdsDir = join(root, 'holds');
    this.refsFile = join(root, 'refs.json');
    mkdirSync(this.recordsDir, { recursive: true });
    mkdirSync(this.holdsDir, { recursive: true });
  }

  get(id: string): ImageRecord | undefined {
    return readJson<ImageRecord>(join(this.recordsDir, `${hex(id)}.json`));
  }

  put(rec: ImageRecord): void {
    writeJsonAtomic(join(this.recordsDir, `${hex(rec.id)}.json`), rec);
  }

  delete(id: string): void {
    rmSync(join(this.recordsDir, `${hex(id)}.json`), { force: true });
  }

  ids(): string[] {
    return readdirSync(this.recordsDir).filter((n) => /^[a-f0-9]{64}\.json$/.test(n)).map((n) => `sha256:${n.slice(0, 64)}`);
  }

  refs(): Record<string, string> {
    return readJson<{ refs: Record<string, string> }>(this.refsFile)?.refs ?? {};
  }

  saveRefs(refs: Record<string, string>): void {
    const sorted = Object.fromEntries(Object.entries(refs).sort(([a], [b]) => compareText(a, b)));
    writeJsonAtomic(this.refsFile, { refs: sorted });
  }

  /** When each reference key was last pulled from a registry (pull_policy daily, weekly, every_*). */
  pulls(): Record<string, string> {
    return readJson<{ pulls: Record<string, string> }>(join(dirname(this.refsFile), 'pulls.json'))?.pulls ?? {};
  }

  savePulls(pulls: Record<string, string>): void {
    const sorted = Object.fromEntries(Object.entries(pulls).sort(([a], [b]) => compareText(a, b)));
    writeJsonAtomic(join(dirname(this.refsFile), 'pulls.json'), { pulls: sorted });
  }

  /** The reference keys pointing at one image. */
  refsOf(id: string, refs = this.refs()): string[] {
    return Object.entries(refs).filter(([, v]) => v === id).map(([k]) => k);
  }

  private holdPath(holder: string): string {
    return join(this.holdsDir, `${encodeURIComponent(holder)}.json`);
  }

  putHold(h: Hold): void {
    writeJsonAtomic(this.holdPath(h.holder), h);
  }

  /** putHold with the fsync on the thread pool (one per container in an `up`). */
  async putHoldAsync(h: Hold): Promise<void> {
    await writeJsonAtomicAsync(this.holdPath(h.holder), h);
  }

  deleteHold(holder: string): void {
    rmSync(this.holdPath(holder), { force: true });
  }

  /** Live holds; temporary ones of dead processes are dropped. */
  holds(): Hold[] {
    const out: Hold[] = [];
    for (const n of readdirSync(this.holdsDir)) {
      if (!n.endsWith('.json')) continue;
      const h = readJson<Hold>(join(this.holdsDir, n));
      if (!h) continue;
      if (h.pid !== undefined && !pidAlive(h.pid)) {
        rmSync(join(this.holdsDir, n), { force: true });
        continue;
      }
      out.push(h);
    }
    return out;
  }
}
