import type { Command } from 'commander';
import { Option } from 'commander';
import { collect, globalsOf } from '../globals.js';

// `berth ls`: the projects on this state root, with a status summary.
export function registerLs(program: Command): void {
  program.command('ls')
    .description('list running compose projects')
    .option('-a, --all', 'show all projects (also stopped ones)')
    .option('-q, --quiet', 'only display project names')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--filter <filter>', 'filter: name=<text> (repeatable)', collect)
    .action(async (o: LsFlags, cmd: Command) => {
      const { runLs } = await import('../tools/ls-run.js');
      runLs(globalsOf(cmd), o);
    });
}

export interface LsFlags {
  all?: boolean;
  quiet?: boolean;
  format: 'table' | 'json';
  filter?: string[];
}
