import type { Command } from 'commander';
import { Option } from 'commander';
import { globalsOf } from '../globals.js';

export interface ConvertFlags {
  format: 'kubernetes' | 'yaml' | 'json';
  output?: string;
  namespace?: string;
  strict?: boolean;
}

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description('convert the project to Kubernetes manifests (--format yaml|json: the Compose model, as `config`)')
    .argument('[services...]', 'only these services (and what they depend on)')
    .addOption(new Option('--format <format>', 'output format').choices(['kubernetes', 'yaml', 'json']).default('kubernetes'))
    .option('-o, --output <path>', 'write to this file, or one file per object into this directory (existing, or ending in /)')
    .option('-n, --namespace <namespace>', 'metadata.namespace of every object')
    .option('--strict', 'fail, writing nothing, when anything cannot be translated')
    .action(async (services: string[], flags: ConvertFlags, cmd: Command) => {
      const g = globalsOf(cmd);
      if (flags.format !== 'kubernetes') {
        const { runConfig } = await import('./config-run.js');
        await runConfig(g, services, { format: flags.format, output: flags.output, interpolate: true, normalize: true, envResolution: true });
        return;
      }
      const { runConvert } = await import('./convert-run.js');
      await runConvert(g, services, flags);
    });
}
