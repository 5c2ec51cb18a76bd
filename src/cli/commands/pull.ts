import type { Command } from 'commander';
import { globalsOf } from '../globals.js';

// Engine-level `berth pull REF...` / `berth push REF...`. The Compose-level
// forms (no argument: every service of the project) need the Compose model.
export function registerPull(program: Command): void {
  program.command('pull').description('pull images by reference')
    .argument('<ref...>', 'image references')
    .option('-q, --quiet', 'pull without printing progress')
    .option('--platform <os/arch>', 'platform to pull from a multi-platform image')
    .action(async (refs: string[], opts: { quiet?: boolean; platform?: string }, cmd: Command) => {
      const { pullCommand } = await import('../image/remote-actions.js');
      for (const ref of refs) await pullCommand(globalsOf(cmd), ref, opts);
    });
}

export function registerPush(program: Command): void {
  program.command('push').description('push images by reference')
    .argument('<ref...>', 'image references')
    .option('-q, --quiet', 'push without printing progress')
    .action(async (refs: string[], opts: { quiet?: boolean }, cmd: Command) => {
      const { pushCommand } = await import('../image/remote-actions.js');
      for (const ref of refs) await pushCommand(globalsOf(cmd), ref, opts);
    });
}
