// Deleting a removed container's files off the JS thread without a crash
// window: the directory is first renamed into <containers>/.trash (its record
// leaves the listing in one step), then deleted asynchronously; what a killed
// removal leaves in the trash is swept by a later one.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

const TRASH = '.trash';
const TRASH_STALE_MS = 60_000;

/**
 * Moves a container's directory to <containers>/.trash (one rename: it
 * leaves the listing at once) so that its files can be deleted
 * asynchronously; a crash during that deletion leaves only trash, which a
 * later removal sweeps. Returns the trash path, or undefined when the
 * directory was already gone.
 */
export function moveToTrash(containers: string, dir: string, id: string): string | undefined {
  const trash = join(containers, TRASH);
  mkdirSync(trash, { recursive: true, mode: 0o700 });
  const to = join(trash, `${id}.${process.pid}.${Date.now()}`);
  try {
    renameSync(dir, to);
    return to;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

/** Deletes trash left by a removal that was killed (older than a minute: not one in progress). */
export async function sweepTrash(containers: string): Promise<void> {
  const trash = join(containers, TRASH);
  let names: string[];
  try { names = await readdir(trash); } catch { return; }
  for (const n of names) {
    const path = join(trash, n);
    try {
      if (Date.now() - (await stat(path)).ctimeMs > TRASH_STALE_MS) await rm(path, { recursive: true, force: true });
    } catch { /* another sweeper got it */ }
  }
}

