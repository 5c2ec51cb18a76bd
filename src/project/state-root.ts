// The state root's layout for a verb that needs only paths (events, logs,
// networks...): cheaper to load than the Engine, which opens the stores.
import { statePaths, type StatePaths } from '../state/paths.js';

/** --root, else $BERTH_ROOT, else the default. */
export function pathsAt(root?: string): StatePaths {
  return statePaths(root);
}
