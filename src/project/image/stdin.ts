// Spools stdin to a file, for commands that read an archive twice or seek in it.
import { createWriteStream, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { BerthError } from '../../errors.js';

export async function spoolStdin(path: string): Promise<{ path: string; cleanup: () => void }> {
  if (process.stdin.isTTY) throw new BerthError('refusing to read an archive from a terminal: pass a file or redirect stdin');
  try {
    await pipeline(process.stdin, createWriteStream(path, { mode: 0o600 }));
  } catch (e) {
    rmSync(path, { force: true });
    throw e;
  }
  return { path, cleanup: () => rmSync(path, { force: true }) };
}
