import { lockResource, type ProjectLock } from '../../state/lock.js';
import type { Engine } from '../engine.js';

/** The engine containers' own lock: their creation and removal, against crash repair of the same scope. */
export function lockEngine(engine: Engine): Promise<ProjectLock> {
  return lockResource(engine.paths, 'engine-containers', { timeoutMs: engine.config.lockTimeoutMs });
}
