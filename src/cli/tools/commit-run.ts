// Output of `berth diff` (docker's "A /path" lines) and `berth commit` (the new image ID).
import type { GlobalOptions } from '../globals.js';
import { writeOut } from '../output.js';

export async function diffCommand(root: GlobalOptions['root'], ref: string): Promise<void> {
  const { diffContainer } = await import('../../project/commit.js');
  writeOut(diffContainer(root, ref).map((c) => `${c.kind} ${c.path}\n`).join(''));
}

export async function commitCommand(root: GlobalOptions['root'], ref: string, repo: string | undefined,
  o: { author?: string; change?: string[]; message?: string; pause: boolean }): Promise<void> {
  const { commitContainer } = await import('../../project/commit.js');
  writeOut(`${await commitContainer(root, ref, repo, o)}\n`);
}
