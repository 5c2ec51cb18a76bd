import type { Command } from 'commander';
import { globalsOf } from '../globals.js';

// `berth wait [SERVICE...]`: block until the service containers stop; exit with the last exit code.
export function registerWait(program: Command): void {
  program.command('wait')
    .description('block until containers of all (or the given) services stop')
    .argument('[services...]', 'only these services')
    .option('--down-project', 'run "berth down" once the containers have stopped')
    .action(async (services: string[], o: { downProject?: boolean }, cmd: Command) => {
      const { runWait } = await import('../tools/inspect-run.js');
      await runWait(globalsOf(cmd), services, o);
    });
}
