// Crash repair for `down -v` / `rm -v`: a container's record is the only thing
// that names its anonymous volumes, so before the container goes, each of
// them is noted in <root>/projects/<project>/doomed-volumes/<volume> (holding
// the container id), and the note goes once the volume is removed. The next
// command on the project (under the project lock) removes the noted volumes
// whose container is gone; a note whose container still exists (the crash
// came before its removal) is dropped and the volume stays with it.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StatePaths } from '../state/paths.js';
import { volumesInUse } from '../volume/in-use.js';
import type { VolumeStore } from '../volume/store.js';

const dirOf = (paths: StatePaths, project: string) => join(paths.projects, project, 'doomed-volumes');
const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export class DoomedVolumes {
  constructor(readonly paths: StatePaths, readonly project: string) {}

  note(names: string[], containerId: string): void {
    if (!names.length) return;
    mkdirSync(dirOf(this.paths, this.project), { recursive: true });
    for (const n of names) if (VOLUME_NAME.test(n)) writeFileSync(join(dirOf(this.paths, this.project), n), containerId);
  }

  /** Removes each noted volume whose container is gone and that nothing else uses; drops the notes. */
  async removeAll(store: VolumeStore, names = this.list()): Promise<void> {
    const inUse = volumesInUse(store);
    for (const n of names) {
      const note = join(dirOf(this.paths, this.project), n);
      let owner = '';
      try { owner = readFileSync(note, 'utf8').trim(); } catch { continue; }
      const ownerGone = !/^[a-f0-9]{64}$/.test(owner) || !existsSync(join(this.paths.containers, owner));
      if (ownerGone && !inUse.has(n)) await store.remove(n, inUse, { force: true }).catch(() => undefined); // already gone: fine
      rmSync(note, { force: true });
    }
  }

  list(): string[] {
    try { return readdirSync(dirOf(this.paths, this.project)).filter((n) => VOLUME_NAME.test(n)); } catch { return []; }
  }
}
