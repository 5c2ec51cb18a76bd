import type { Command } from 'commander';
import { collect } from '../globals.js';
import { guard } from '../guard.js';

// `berth search TERM` / `berth image search TERM`: a registry catalog's repositories.
function addSearch(parent: Command): void {
  parent.command('search').description('search a registry\'s catalog for repositories (TERM as host:port/term, or $BERTH_SEARCH_REGISTRY)')
    .argument('<term>', 'host:port/term, or a term searched in $BERTH_SEARCH_REGISTRY')
    .option('--limit <n>', 'at most this many results (1-100)', (v: string) => Number(v), 25)
    .option('-f, --filter <key=value>', 'filter: stars=<n>, is-official=true|false, is-automated=true|false (repeatable)', collect)
    .option('--format <format>', 'table, json, or a Go template ("{{.Name}}")')
    .option('--no-trunc', 'do not truncate output')
    .action(guard(async (term: string, o: { limit: number; filter?: string[]; format?: string; trunc?: boolean }) => {
      const { searchCommand } = await import('../tools/search-run.js');
      await searchCommand(term, o);
    }));
}

export function registerSearch(program: Command): void { addSearch(program); }
export { addSearch };
