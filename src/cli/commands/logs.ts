import type { Command } from 'commander';
import { globalsOf } from '../globals.js';

// `berth logs [SERVICE...]`: the project's container logs, interleaved by time.
export function registerLogs(program: Command): void {
  program.command('logs')
    .description('view output from containers')
    .argument('[services...]', 'only these services')
    .option('-f, --follow', 'follow log output (also containers that start or restart later)')
    .option('-n, --tail <n>', 'number of lines from the end of each container\'s log, or "all"', 'all')
    .option('-t, --timestamps', 'show timestamps')
    .option('--since <time>', 'show logs since a timestamp (2026-11-23T10:00:00Z) or relative duration (10m, 1h30m)')
    .option('--until <time>', 'show logs before a timestamp or relative duration')
    .option('--no-color', 'produce monochrome output')
    .option('--no-log-prefix', 'do not print the container name before each line')
    .option('--index <n>', 'index of the container if the service has several replicas')
    .action(async (services: string[], o: LogsFlags, cmd: Command) => {
      const { runLogs } = await import('../tools/logs-run.js');
      await runLogs(globalsOf(cmd), services, o);
    });
}

export interface LogsFlags {
  follow?: boolean;
  tail: string;
  timestamps?: boolean;
  since?: string;
  until?: string;
  color: boolean;
  logPrefix: boolean;
  index?: string;
}
