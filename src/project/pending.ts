// Crash repair for container creation. Before a container's host objects
// exist (netns, endpoint, anonymous volumes, image hold), a marker
// <root>/projects/<project>/pending/<id> is written; it goes once the
// container record exists or the rollback is done. The next command on the
// project (under the project lock) removes whatever a marker without a
// record left: nothing leaks from a SIGKILL in the middle of `up`.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../state/atomic.js';
import type { StatePaths } from '../state/paths.js';

export interface PendingCreate {
  id: string;
  name: string;
  /** Our own netns (bridge / none modes). */
  netns?: boolean;
  /** Anonymous volumes made for this container (not inherited ones). */
  newAnonymous: string[];
  volumes: string[];
  /**
   * The container record exists but its new volumes are not filled from the
   * image yet: such a container is incomplete, and repair removes it.
   */
  copyUp?: boolean;
}

const dirOf = (paths: StatePaths, project: string) => join(paths.projects, project, 'pending');

export class PendingStore {
  /** What this store last wrote per marker: an unchanged marker is not written (and synced) again. */
  private readonly written = new Map<string, string>();
  constructor(readonly paths: StatePaths, readonly project: string) {}
  write(p: PendingCreate): void {
    const text = JSON.stringify(p);
    if (this.written.get(p.id) === text) return;
    mkdirSync(dirOf(this.paths, this.project), { recursive: true });
    // Not fsynced: a marker guards against the CLI being killed, when the page
    // cache survives; a power loss stops every container anyway, and list()
    // skips a marker the loss left empty.
    writeJsonAtomic(join(dirOf(this.paths, this.project), p.id), p, { durable: false });
    this.written.set(p.id, text);
  }
  clear(id: string): void {
    this.written.delete(id);
    rmSync(join(dirOf(this.paths, this.project), id), { force: true });
  }
  list(): PendingCreate[] {
    let names: string[] = [];
    try { names = readdirSync(dirOf(this.paths, this.project)); } catch { return []; }
    return names.filter((n) => /^[a-f0-9]{64}$/.test(n))
      .map((n) => { try { return readJson<PendingCreate>(join(dirOf(this.paths, this.project), n)); } catch { return undefined; } })
      .filter((p): p is PendingCreate => !!p);
  }
  hasRecord(id: string): boolean {
    return existsSync(join(this.paths.containers, id, 'config.json'));
  }
}
