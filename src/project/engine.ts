// The handles every orchestrator step shares for one state root: container,
// image and volume stores, opened lazily so that a command only pays for the
// layers it touches, and the configuration (read once, src/config.ts) whose
// values the service hands down to the drivers, which never read it themselves.
import { config as processConfig, type BerthConfig } from '../config.js';
import { Containers } from '../container/lifecycle.js';
import { binaries } from '../container/paths.js';
import { getEndpoint } from '../network/store.js';
import { openImageStore, type ImageStore } from '../image/image-store.js';
import { statePaths, type StatePaths } from '../state/paths.js';
import { armCrashPoint } from '../state/crash.js';
import { VolumeStore } from '../volume/store.js';

export class Engine {
  private c?: Containers;
  private i?: ImageStore;
  private v?: VolumeStore;
  constructor(readonly paths: StatePaths, readonly config: BerthConfig = processConfig()) {
    armCrashPoint(config);
  }
  // A container's shim holds its published host ports (from its endpoint record) while it runs.
  get containers(): Containers {
    return (this.c ??= new Containers(this.paths, binaries(this.config), { hostPorts: (id) => getEndpoint(this.paths, id)?.ports ?? [] }));
  }
  get images(): ImageStore { return (this.i ??= openImageStore(this.paths.images)); }
  get volumes(): VolumeStore { return (this.v ??= new VolumeStore(this.paths, { lockTimeoutMs: this.config.lockTimeoutMs })); }
}

/** The engine of a state root (--root, else $BERTH_ROOT, else the default). */
export function engineAt(root?: string, cfg: BerthConfig = processConfig()): Engine {
  return new Engine(statePaths(root, cfg), cfg);
}
