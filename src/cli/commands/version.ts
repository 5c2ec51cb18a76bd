import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import { repoPath } from '../../repo-root.js';
import { writeOut } from '../output.js';

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('show the berth version')
    .addOption(new Option('--format <format>', 'output format').choices(['pretty', 'json']).default('pretty'))
    .option('--short', 'print only the version number')
    .action((opts: { format: string; short?: boolean }) => {
      const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string };
      if (opts.short) writeOut(`${pkg.version}\n`);
      else if (opts.format === 'json') writeOut(JSON.stringify({ version: pkg.version }) + '\n');
      else writeOut(`berth version ${pkg.version}\n`);
    });
}
