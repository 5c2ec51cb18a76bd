// The state root's layout for a verb that needs only paths (events, logs,
// networks...): cheaper to load than the Engine, which opens the stores.
import { config } from '../config.js';
import { prepareStateRoot, statePaths, type StatePaths } from '../state/paths.js';

/** --root, else $BERTH_ROOT, else the default. */
export function pathsAt(root?: string): StatePaths {
  return statePaths(root, config());
}

/** Makes the state root and runtime dir (0710) before a command that uses them. */
export function prepareRoot(root?: string): void {
  prepareStateRoot(statePaths(root, config()));
}

/** Problems the drivers noted while reading the state (unreadable records), each once; the CLI prints them. */
export { takeNotices } from '../state/notices.js';
