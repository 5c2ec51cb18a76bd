import type { Command } from 'commander';
import { globalsOf } from '../globals.js';

// `berth watch [SERVICE...]`: start the project (unless --no-up), then follow
// the develop.watch rules until Ctrl-C, which leaves the project running.
export function registerWatch(program: Command): void {
  program.command('watch').description('watch the services\' develop.watch paths and sync, restart or rebuild them when files change')
    .argument('[service...]', 'services (default: every service with develop.watch)')
    .option('--no-up', 'do not build and start the services before watching')
    .option('--quiet', 'hide build and restart progress')
    .option('--prune', 'remove the previous image after a rebuild')
    .action(async (services: string[], o: WatchFlags, cmd: Command) => {
      const { watchCommand } = await import('../watch-run.js');
      process.exitCode = await watchCommand(globalsOf(cmd), services, o);
    });
}

export interface WatchFlags {
  up?: boolean;
  quiet?: boolean;
  prune?: boolean;
}
