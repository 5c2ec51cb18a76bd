import type { Command } from 'commander';
import { Option } from 'commander';
import { globalsOf } from '../globals.js';

// `berth stats [SERVICE...]`: CPU, memory, network, block I/O and pids of the service containers.
export function registerStats(program: Command): void {
  program.command('stats')
    .description('display a live stream of container resource usage statistics')
    .argument('[services...]', 'only these services')
    .option('-a, --all', 'show all containers (default shows just running)')
    .option('--no-stream', 'print one sample and exit')
    .option('--no-trunc', 'do not truncate output')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (services: string[], o: StatsFlags, cmd: Command) => {
      const { runStats } = await import('../tools/stats-run.js');
      await runStats(globalsOf(cmd), services, o);
    });
}

export interface StatsFlags {
  all?: boolean;
  stream: boolean;
  trunc: boolean;
  format: 'table' | 'json';
}
