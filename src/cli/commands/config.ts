import type { Command } from 'commander';
import { Option } from 'commander';
import { globalsOf } from '../globals.js';

export interface ConfigFlags {
  /** Absent: yaml for the model, a table for --variables. */
  format?: 'yaml' | 'json';
  variables?: boolean;
  services?: boolean;
  volumes?: boolean;
  networks?: boolean;
  profiles?: boolean;
  images?: boolean;
  environment?: boolean;
  hash?: string;
  quiet?: boolean;
  interpolate: boolean;
  normalize: boolean;
  /** false: --no-env-resolution. */
  envResolution: boolean;
  output?: string;
}

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('validate the Compose project and print its normalized model')
    .argument('[services...]', 'only these services (and what they depend on)')
    .addOption(new Option('--format <format>', 'output format (default: yaml; a table for --variables)').choices(['yaml', 'json']))
    .option('--services', 'print the service names, one per line')
    .option('--volumes', 'print the volume names, one per line')
    .option('--networks', 'print the network names, one per line')
    .option('--profiles', 'print the profile names, one per line')
    .option('--images', 'print the image names, one per line')
    .option('--variables', 'print the variables the model uses, with their defaults (a table, or --format json|yaml)')
    .option('--environment', 'print the variables used for interpolation (KEY=VALUE, sorted)')
    .option('--hash <services>', 'print "<service> <config hash>" for these services ("*" for all, or a comma-separated list)')
    .option('-q, --quiet', 'only validate; print nothing')
    .option('--no-interpolate', 'do not interpolate variables (prints the merged model as written)')
    .option('--no-env-resolution', 'do not read env_file into environment (list the env_file entries instead)')
    .option('--no-normalize', 'do not normalize (prints the merged, validated model)')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (services: string[], flags: ConfigFlags, cmd: Command) => {
      const { runConfig } = await import('./config-run.js');
      await runConfig(globalsOf(cmd), services, flags);
    });
}
