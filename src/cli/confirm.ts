import { createInterface } from 'node:readline';
import { writeErr } from './output.js';

/**
 * Asks before a destructive command, as docker does: `warning` goes to
 * stderr, then the question on a terminal; without one (or with no "y"), no.
 */
export async function confirmed(warning: string, force?: boolean): Promise<boolean> {
  if (force) return true;
  writeErr(warning);
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((r) => rl.question('Are you sure you want to continue? [y/N] ', r));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}
