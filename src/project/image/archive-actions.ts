// load and save.
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { once } from 'node:events';
import { BerthError } from '../../errors.js';
import { NoSuchImageError } from '../../image/image-store.js';
import { loadArchive } from '../../image/archive/load.js';
import { saveArchive, type ArchiveFormat } from '../../image/archive/save.js';
import { familiarName, splitRefKey } from '../../image/reference.js';
import { storeFor } from './local-actions.js';

export async function loadCommand(root: string | undefined, o: { input?: string; quiet?: boolean }): Promise<void> {
  const store = storeFor(root);
  let input = o.input;
  let cleanup: (() => void) | undefined;
  if (!input) {
    const { spoolStdin } = await import('./stdin.js');
    ({ path: input, cleanup } = await spoolStdin(store.blobs.tempName('stdin')));
  }
  try {
    const images = await loadArchive(store, input);
    if (o.quiet) return;
    for (const { image, names } of images) {
      if (names.length === 0) process.stdout.write(`Loaded image ID: ${image.id}\n`);
      for (const t of names) { const s = splitRefKey(t); process.stdout.write(`Loaded image: ${familiarName(s.name)}:${s.tag}\n`); }
    }
  } finally {
    cleanup?.();
  }
}

export async function saveCommand(root: string | undefined, refs: string[], o: { output?: string; format: string }): Promise<void> {
  const store = storeFor(root);
  const format = o.format as ArchiveFormat;
  if (!o.output) {
    if (process.stdout.isTTY) throw new BerthError('refusing to write an archive to a terminal: use -o <file> or redirect stdout');
    await saveArchive(store, refs, format, process.stdout);
    return;
  }
  for (const r of refs) if (!store.lookup(r)) throw new NoSuchImageError(r);
  // Written beside the target and renamed: a failed save leaves no partial file.
  const tmp = join(dirname(o.output), `.${basename(o.output)}.${process.pid}.tmp`);
  const out = createWriteStream(tmp, { mode: 0o644 });
  try {
    await saveArchive(store, refs, format, out);
    renameSync(tmp, o.output);
  } catch (e) {
    if (!out.closed) { out.destroy(); await once(out, 'close').catch(() => {}); }
    rmSync(tmp, { force: true });
    throw e;
  }
}
