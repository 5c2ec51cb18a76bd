// The real Drivers for executePlan, assembled from the per-layer halves.
import type { Project } from '../compose/model.js';
import type { DesiredProject } from '../reconcile/desired.js';
import type { Drivers } from '../reconcile/execute.js';
import { volumeDrivers } from '../reconcile/adapters/volumes.js';
import { volumesInUse } from '../volume/in-use.js';
import { containerDrivers, type ContainerDriverOptions } from './container-driver.js';
import type { Engine } from './engine.js';
import { imageDrivers, networkDrivers } from './resource-drivers.js';
import type { BuildFlags } from './build.js';
import { waitForService } from './wait.js';

export interface DriverOptions extends ContainerDriverOptions {
  /** up --wait-timeout, in ms (for the final --wait actions). */
  waitTimeoutMs?: number;
  /** How `build:` services are built (--no-cache, --pull, progress). */
  build?: BuildFlags;
}

export function realDrivers(engine: Engine, project: Project | undefined, desired: DesiredProject, opts: DriverOptions = {}): Drivers {
  const health = new Map(desired.services.map((s) => [s.name, !!s.healthcheck]));
  return {
    ...networkDrivers(engine, project, desired),
    ...volumeDrivers(engine.volumes, desired, () => volumesInUse(engine.volumes)),
    ...imageDrivers(engine, project, opts.build),
    ...containerDrivers(engine, project, desired, opts),
    waitCondition: (a, signal) => waitForService(engine, desired.name, a.name, a.condition, health.get(a.name) ?? false, signal,
      a.dependent === '--wait' ? opts.waitTimeoutMs : undefined),
  };
}
