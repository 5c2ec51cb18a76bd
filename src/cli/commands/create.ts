import { Option, type Command } from 'commander';
import { globalsOf } from '../globals.js';
import { features } from '../../project/features.js';

// `berth create`: up without starting anything.
export function registerCreate(program: Command): void {
  program.command('create').description('create the project\'s containers without starting them')
    .argument('[service...]', 'services')
    .addOption(new Option('--build', 'build images before creating containers').hideHelp(!features.build))
    .option('--no-build', 'do not build images, even when missing')
    .addOption(new Option('--pull <policy>', 'pull images before creating').choices(['always', 'missing', 'never', ...(features.build ? ['build'] : [])]))
    .option('--force-recreate', 'recreate containers even if their configuration has not changed')
    .option('--no-recreate', 'do not recreate existing containers')
    .option('--remove-orphans', 'remove containers of services not defined in the file')
    .option('--scale <service=n>', 'scale a service (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .action(async (services: string[], o: Record<string, unknown>, cmd: Command) => {
      const { resolveTarget, runCommand } = await import('../project-command.js');
      const { ignoreOrphansOf, parseScale, removeOrphansOf } = await import('../up-options.js');
      const g = globalsOf(cmd);
      const target = await resolveTarget(g, services);
      const removeOrphans = removeOrphansOf(o.removeOrphans as boolean | undefined);
      const opts = {
        services: services.length ? services : undefined, forceRecreate: !!o.forceRecreate, noRecreate: o.recreate === false,
        removeOrphans, ignoreOrphans: ignoreOrphansOf(target.project, removeOrphans), scale: parseScale(o.scale as string[] | undefined), build: o.build === true,
        noBuild: o.build === false, pull: o.pull as 'always' | undefined,
      };
      await runCommand(g, target, { verb: { verb: 'create', options: opts } });
    });
}
