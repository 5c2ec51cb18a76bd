import type { Command } from 'commander';
import { globalsOf } from '../globals.js';

// `berth top [SERVICE...]`: the processes of each running service container.
export function registerTop(program: Command): void {
  program.command('top')
    .description('display the running processes')
    .argument('[services...]', 'only these services')
    .action(async (services: string[], _o: unknown, cmd: Command) => {
      const { runTop } = await import('../tools/inspect-run.js');
      await runTop(globalsOf(cmd), services);
    });
}
