import type { Command } from 'commander';
import { globalsOf } from '../globals.js';

// `berth events [SERVICE...]`: container events of the project as they happen.
export function registerEvents(program: Command): void {
  program.command('events')
    .description('receive real time events from containers')
    .argument('[services...]', 'only these services')
    .option('--json', 'output events as a stream of JSON objects')
    .action(async (services: string[], o: { json?: boolean }, cmd: Command) => {
      const { runEvents } = await import('../tools/events-run.js');
      await runEvents(globalsOf(cmd), services, o);
    });
}
