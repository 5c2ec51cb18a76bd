// The one place that loads the native addon. Typed views of its areas live
// beside this file (one per area) and call `addon()`.
import { createRequire } from 'node:module';
import { repoPath } from '../repo-root.js';

let loaded: Record<string, unknown> | undefined;

export function addon(): Record<string, unknown> {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    // dist/src/native/addon.js → <repo>/build/Release/berth_addon.node
    loaded = require(repoPath('build/Release/berth_addon.node')) as Record<string, unknown>;
  }
  return loaded;
}

/** Returns an addon function by name, with the caller's chosen type. */
export function nativeFn<T extends (...args: never[]) => unknown>(name: string): T {
  const fn = addon()[name];
  if (typeof fn !== 'function') throw new Error(`native addon has no function ${name}: rebuild with npm run build:native`);
  return fn as T;
}
