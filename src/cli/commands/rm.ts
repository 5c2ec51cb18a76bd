import type { Command } from 'commander';
import { globalsOf } from '../globals.js';
import { writeErr } from '../output.js';

// `berth rm`: remove stopped service containers (-s stops running ones first).
// Compose asks for confirmation without -f; berth never prompts, so -f is
// accepted for compatibility.
export function registerRm(program: Command): void {
  program.command('rm').description('remove stopped service containers')
    .argument('[service...]', 'services')
    .option('-f, --force', 'do not ask for confirmation (berth never asks)')
    .option('-s, --stop', 'stop the containers first if they are running')
    .option('-v, --volumes', 'remove the containers\' anonymous volumes')
    .action(async (services: string[], o: { force?: boolean; stop?: boolean; volumes?: boolean }, cmd: Command) => {
      const { resolveTarget, runCommand } = await import('../project-command.js');
      const g = globalsOf(cmd);
      const target = await resolveTarget(g, services, true);
      const r = await runCommand(g, target, { verb: { verb: 'rm', options: { services: services.length ? services : undefined, stop: o.stop, removeVolumes: o.volumes } } });
      if (!g.dryRun && r.plan.actions.length === 0) writeErr('No stopped containers\n');
    });
}
