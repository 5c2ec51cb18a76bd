import type { Command } from 'commander';
import { globalsOf } from '../globals.js';

/** Runs an action; system errors become one-line BerthErrors. */
function guard<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      const { userError } = await import('../image/format.js');
      throw userError(e);
    }
  };
}

// Engine-level `berth pull REF...` / `berth push REF...`. The Compose-level
// forms (no argument: every service of the project) need the Compose model.
export function registerPull(program: Command): void {
  program.command('pull').description('pull images by reference')
    .argument('<ref...>', 'image references')
    .option('-q, --quiet', 'pull without printing progress')
    .option('--platform <os/arch>', 'platform to pull from a multi-platform image')
    .action(guard(async (refs: string[], opts: { quiet?: boolean; platform?: string }, cmd: Command) => {
      const { pullCommand } = await import('../image/remote-actions.js');
      for (const ref of refs) await pullCommand(globalsOf(cmd), ref, opts);
    }));
}

export function registerPush(program: Command): void {
  program.command('push').description('push images by reference')
    .argument('<ref...>', 'image references')
    .option('-q, --quiet', 'push without printing progress')
    .action(guard(async (refs: string[], opts: { quiet?: boolean }, cmd: Command) => {
      const { pushCommand } = await import('../image/remote-actions.js');
      for (const ref of refs) await pushCommand(globalsOf(cmd), ref, opts);
    }));
}
