import type { Command } from 'commander';
import { collect, globalsOf } from '../globals.js';
import { guard } from '../guard.js';
import { writeOut } from '../output.js';

// `berth volume ...`: Docker's volume commands over the state root's volumes.
export function registerVolume(program: Command): void {
  const volume = program.command('volume').description('manage volumes');
  const impl = () => import('../../project/volume.js');

  volume.command('ls').alias('list').description('list volumes')
    .option('-q, --quiet', 'only display volume names')
    .option('--format <format>', 'table, json, or a Go template ("{{.Name}}\\t{{.Mountpoint}}"; "table ..." adds headers)', 'table')
    .option('-f, --filter <filter>', 'filter: dangling=true|false, driver=, label=key[=value], name= (repeatable)', collect)
    .action(guard(async (o: { quiet?: boolean; format: string; filter?: string[] }, cmd: Command) => {
      const root = globalsOf(cmd).root;
      if (o.format !== 'table' && o.format !== 'json' && !o.quiet) {
        const { volumeTemplate } = await import('../tools/ls-templates.js');
        writeOut(volumeTemplate((await impl()).volumeList(root, o.filter), o.format));
        return;
      }
      (await impl()).volumeLs({ ...o, root });
    }));

  volume.command('inspect').description('display detailed information on one or more volumes')
    .argument('<volume...>')
    .option('-f, --format <template>', 'a Go template ("{{.Mountpoint}}"), or json')
    .action(guard(async (names: string[], o: { format?: string }, cmd: Command) => {
      const { inspectCommand } = await import('../tools/object-inspect.js');
      await inspectCommand(globalsOf(cmd).root, names, { type: 'volume', format: o.format });
    }));

  volume.command('create').description('create a volume')
    .argument('[name]', 'volume name (default: a random anonymous name)')
    .option('-d, --driver <driver>', 'volume driver', 'local')
    .option('-o, --opt <key=value>', 'driver option: type, o, device (repeatable)', collect)
    .option('--label <key=value>', 'set a label (repeatable)', collect)
    .action(async (name: string | undefined, o: { driver: string; opt?: string[]; label?: string[] }, cmd: Command) => {
      const g = globalsOf(cmd);
      (await impl()).volumeCreate(name, { ...o, root: g.root, dryRun: g.dryRun });
    });

  volume.command('rm').alias('remove').description('remove one or more volumes')
    .argument('<volume...>')
    .option('-f, --force', 'do not fail on a volume that does not exist')
    .action(async (names: string[], o: { force?: boolean }, cmd: Command) => {
      const g = globalsOf(cmd);
      await (await impl()).volumeRm(names, { ...o, root: g.root, dryRun: g.dryRun });
    });

  volume.command('prune').description('remove unused volumes (anonymous ones unless --all)')
    .option('-a, --all', 'remove all unused volumes, not just anonymous ones')
    .option('-f, --force', 'do not prompt for confirmation')
    .option('--filter <filter>', 'filter: label=key[=value], name=, driver= (repeatable)', collect)
    .action(async (o: { all?: boolean; force?: boolean; filter?: string[] }, cmd: Command) => {
      const g = globalsOf(cmd);
      await (await impl()).volumePrune({ ...o, root: g.root, dryRun: g.dryRun });
    });
}
