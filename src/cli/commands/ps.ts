import { InvalidArgumentError, Option, type Command } from 'commander';
import { globalsOf } from '../globals.js';

const STATES = ['paused', 'restarting', 'removing', 'running', 'dead', 'created', 'exited'];

// `berth ps`: the project's containers (running ones unless -a).
export function registerPs(program: Command): void {
  program.command('ps').description('list the project\'s containers')
    .argument('[service...]', 'only these services')
    .option('-a, --all', 'show all containers, stopped ones included')
    .option('-q, --quiet', 'only display ids')
    .option('--services', 'display services')
    .addOption(new Option('--status <status>', 'filter by status (repeatable)').choices(STATES).argParser((v: string, p: string[] = []) => {
      if (!STATES.includes(v)) throw new InvalidArgumentError(`Allowed choices are ${STATES.join(', ')}.`);
      return [...p, v];
    }))
    .option('--filter <key=value>', 'filter: status=<state>, service=<name> (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .addOption(new Option('--format <format>', 'table, json, or a Go template ("{{.Name}}\\t{{.Status}}"; "table ..." adds headers)').default('table'))
    .option('--no-trunc', 'do not truncate output')
    .action(async (services: string[], o: { all?: boolean; quiet?: boolean; services?: boolean; status?: string[]; filter?: string[]; format: string; trunc?: boolean }, cmd: Command) => {
      const { psCommand } = await import('../ps-run.js');
      await psCommand(globalsOf(cmd), services, o);
    });
}
