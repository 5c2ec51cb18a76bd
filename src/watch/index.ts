// develop.watch: file changes on the host → sync / restart / exec / rebuild.
export { compileWatch, type CompiledRule } from './rules.js';
export { startWatch, type WatchOptions, type WatchSession } from './session.js';
export { watchUntilInterrupted } from './interactive.js';
