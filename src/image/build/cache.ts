// The build cache: one small record per step, keyed by a digest of the
// parent step's key, the instruction as evaluated (arguments, the build args
// it sees) and, for COPY/ADD, the content of what it reads. A record holds
// the step's history time and its layer, so a fully cached rebuild gives the
// very same image ID. A record whose layer left the store (image rm, prune)
// is a miss.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../../state/atomic.js';
import { sha256, hex } from '../digest.js';
import type { ImageStore } from '../image-store.js';
import type { LayerRef } from '../records.js';

export interface CacheRecord {
  created: string;
  layer?: LayerRef;
}

export function stepKey(parent: string, ...parts: unknown[]): string {
  return sha256(`${parent}\n${JSON.stringify(parts)}`);
}

export class BuildCache {
  private readonly dir: string;
  constructor(private readonly store: ImageStore) {
    this.dir = join(store.root, 'build-cache');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  get(key: string): CacheRecord | undefined {
    const rec = readJson<CacheRecord>(join(this.dir, `${hex(key)}.json`));
    if (!rec) return undefined;
    if (rec.layer && (!this.store.blobs.has(rec.layer.digest) || !this.store.layers.get(rec.layer.chainId))) return undefined;
    return rec;
  }

  put(key: string, rec: CacheRecord): void {
    writeJsonAtomic(join(this.dir, `${hex(key)}.json`), rec);
  }

  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }
}
