import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import { repoPath } from '../../repo-root.js';

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('show the berth version')
    .addOption(new Option('--format <format>', 'output format').choices(['pretty', 'json']).default('pretty'))
    .option('--short', 'print only the version number')
    .action((opts: { format: string; short?: boolean }) => {
      const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string };
      if (opts.short) process.stdout.write(`${pkg.version}\n`);
      else if (opts.format === 'json') process.stdout.write(JSON.stringify({ version: pkg.version }) + '\n');
      else process.stdout.write(`berth version ${pkg.version}\n`);
    });
}
