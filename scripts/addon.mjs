#!/usr/bin/env node
// The native addon (build/Release/berth_addon.node, node-gyp): one owner of
// "is it stale?". node-gyp rebuild always recompiles, so the build is skipped
// when the addon is newer than binding.gyp and native/addon/*, and was built
// for this Node ABI and architecture (a stamp beside it). `npm ci` runs this
// as the install script; scripts/test.mjs and scripts/setup.sh ask addonStale().
// Usage: addon.mjs [--force]   (prints one line saying what it did)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const ADDON = 'build/Release/berth_addon.node';
const STAMP = 'build/Release/berth_addon.abi';
const abi = () => `node-abi ${process.versions.modules} ${process.arch}\n`;

/** True when the addon is missing, older than a source, or built for another Node ABI. */
export function addonStale(root = repo) {
  const mtime = (p) => { try { return statSync(join(root, p)).mtimeMs; } catch { return 0; } };
  const built = mtime(ADDON);
  if (built === 0) return true;
  let stamp = '';
  try { stamp = readFileSync(join(root, STAMP), 'utf8'); } catch { /* none: stale */ }
  if (stamp !== abi()) return true;
  const sources = ['binding.gyp', ...readdirSync(join(root, 'native/addon')).map((f) => `native/addon/${f}`)];
  return sources.some((f) => mtime(f) > built);
}

/** Rebuilds with node-gyp when stale (or forced); returns what happened. */
export function buildAddon(root = repo, force = false) {
  if (!force && !addonStale(root)) return 'up to date';
  // npm puts its own node-gyp on PATH for its scripts only: from anywhere else, go through one.
  const gyp = process.env.npm_config_node_gyp;
  const r = gyp ? spawnSync(process.execPath, [gyp, 'rebuild'], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['run', '-s', 'install'], { cwd: root, stdio: 'inherit', env: { ...process.env, BERTH_ADDON_FORCE: '1' } });
  if (r.error) throw new Error(`node-gyp: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`node-gyp rebuild exited ${r.status}`);
  if (gyp) writeFileSync(join(root, STAMP), abi());
  return 'built';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(`berth addon: ${buildAddon(repo, process.argv.includes('--force') || process.env.BERTH_ADDON_FORCE === '1')}`);
  } catch (e) {
    console.error(`berth addon: ${e.message}`);
    process.exit(1);
  }
}
