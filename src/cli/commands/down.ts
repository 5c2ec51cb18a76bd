import { Option, type Command } from 'commander';
import { globalsOf } from '../globals.js';

// `berth down`: stop and remove the project's containers, then its networks;
// -v its volumes, --rmi its images. Works with -p NAME and no compose file.
export function registerDown(program: Command): void {
  program.command('down').description('stop and remove containers, networks (and with -v volumes) of the project')
    .argument('[service...]', 'only these services\' containers (networks and volumes stay)')
    .option('-v, --volumes', 'remove named volumes declared in the file and anonymous volumes')
    .addOption(new Option('--rmi <type>', 'remove images used by services').choices(['local', 'all']))
    .option('--remove-orphans', 'remove containers of services not defined in the file')
    .option('-t, --timeout <seconds>', 'shutdown timeout in seconds')
    .action(async (services: string[], o: { volumes?: boolean; rmi?: 'local' | 'all'; removeOrphans?: boolean; timeout?: string }, cmd: Command) => {
      const { resolveTarget, runCommand, parseTimeout } = await import('../project-command.js');
      const { removeOrphansOf } = await import('../up-options.js');
      const g = globalsOf(cmd);
      const target = await resolveTarget(g, services, true);
      const cluster = await (await import('../../project/cluster.js')).clusterHolding(g.root, target.name, target.project);
      if (cluster) return (await import('../cluster-run.js')).clusterDownCommand(cluster, target.name, services, o);
      await runCommand(g, target, {
        verb: { verb: 'down', options: { removeVolumes: o.volumes, rmi: o.rmi, removeOrphans: removeOrphansOf(o.removeOrphans), services: services.length ? services : undefined } },
        drivers: { timeout: parseTimeout(o.timeout) },
      });
    });
}
