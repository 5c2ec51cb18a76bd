import type { Command } from 'commander';
import { Option } from 'commander';
import { collect, globalsOf } from '../globals.js';
import { addCreateFlags, type CreateFlags, type RunFlags } from './container-run.js';
import { registerInspectCommands } from './inspect.js';

// `berth container …`: docker's engine-level verbs on single containers,
// Compose's and those made with `container run|create` alike (one store, one
// namespace of names). Compose's own `run`, `ps`, `exec`, `start`... stay
// project-level. Each verb's behaviour is in src/project/container/.
export function registerContainer(program: Command): void {
  const container = program.command('container').description('manage containers').enablePositionalOptions();
  registerContainerVerbs(container);
  registerInspectCommands(container);
}

const tools = () => import('../tools/container-verbs.js');

/** The `container` subcommands (a separate function, so that more can be added beside them in one line each). */
function registerContainerVerbs(container: Command): void {
  addCreateFlags(container.command('run').description('create and run a new container from an image'))
    .option('-d, --detach', 'run in the background and print the container ID')
    .option('--rm', 'remove the container when it exits')
    .action(async (image: string, command: string[], o: RunFlags, cmd: Command) => {
      const { runRun } = await import('../tools/container-run.js');
      process.exitCode = await runRun(globalsOf(cmd), image, command, o);
    });

  addCreateFlags(container.command('create').description('create a new container'))
    .action(async (image: string, command: string[], o: CreateFlags, cmd: Command) => {
      const { runCreate } = await import('../tools/container-run.js');
      await runCreate(globalsOf(cmd), image, command, o);
    });

  container.command('start').description('start one or more stopped containers')
    .argument('<container...>')
    .option('-a, --attach', 'attach to the container\'s output and return its exit code')
    .option('-i, --interactive', 'attach the container\'s stdin')
    .action(async (refs: string[], o: { attach?: boolean; interactive?: boolean }, cmd: Command) => {
      await (await tools()).runStart(globalsOf(cmd), refs, o);
    });

  for (const [verb, description] of [['stop', 'stop one or more running containers'], ['restart', 'restart one or more containers']] as const) {
    container.command(verb).description(description)
      .argument('<container...>')
      .option('-t, --timeout <seconds>', 'seconds to wait before killing the container')
      .option('-s, --signal <signal>', 'signal to send to the container')
      .action(async (refs: string[], o: { timeout?: string; signal?: string }, cmd: Command) => {
        await (await tools()).runStopOrRestart(globalsOf(cmd), verb, refs, o);
      });
  }

  container.command('kill').description('kill one or more running containers')
    .argument('<container...>')
    .option('-s, --signal <signal>', 'signal to send to the container', 'KILL')
    .action(async (refs: string[], o: { signal: string }, cmd: Command) => {
      await (await tools()).runEach(globalsOf(cmd), 'kill', refs, o.signal);
    });

  for (const verb of ['pause', 'unpause'] as const) {
    container.command(verb).description(`${verb} all processes within one or more containers`)
      .argument('<container...>')
      .action(async (refs: string[], _o: unknown, cmd: Command) => {
        await (await tools()).runEach(globalsOf(cmd), verb, refs);
      });
  }

  container.command('rm').alias('remove').description('remove one or more containers')
    .argument('<container...>')
    .option('-f, --force', 'force the removal of a running container (uses SIGKILL)')
    .option('-v, --volumes', 'remove the anonymous volumes of the container')
    .action(async (refs: string[], o: { force?: boolean; volumes?: boolean }, cmd: Command) => {
      await (await tools()).runRm(globalsOf(cmd), refs, o);
    });

  container.command('ls').aliases(['list', 'ps']).description('list containers')
    .option('-a, --all', 'show all containers (default shows just running)')
    .option('-q, --quiet', 'only display container IDs')
    .option('-f, --filter <filter>', 'filter: id=, name=, label=k[=v], status=, exited=, ancestor= (repeatable)', collect)
    .option('--format <format>', 'table, json or a Go template', 'table')
    .option('--no-trunc', 'do not truncate output')
    .option('-n, --last <n>', 'show the n last created containers (all states)')
    .option('-l, --latest', 'show the latest created container (all states)')
    .action(async (o: LsFlags, cmd: Command) => {
      const { runContainerLs } = await import('../tools/container-ls.js');
      await runContainerLs(globalsOf(cmd), o);
    });

  container.command('logs').description('fetch the logs of a container')
    .argument('<container>')
    .option('-f, --follow', 'follow log output')
    .option('-n, --tail <n>', 'number of lines to show from the end of the logs', 'all')
    .option('--since <time>', 'show logs since a timestamp or relative (e.g. 42m)')
    .option('--until <time>', 'show logs before a timestamp or relative (e.g. 42m)')
    .option('-t, --timestamps', 'show timestamps')
    .action(async (ref: string, o: LogsFlags, cmd: Command) => {
      await (await tools()).runLogs(globalsOf(cmd), ref, o);
    });

  container.command('attach').description('attach to a running container\'s output (and stdin)')
    .argument('<container>')
    .option('--no-stdin', 'do not attach stdin')
    .action(async (ref: string, o: { stdin: boolean }, cmd: Command) => {
      process.exitCode = await (await tools()).runAttach(globalsOf(cmd), ref, o.stdin);
    });

  container.command('exec').description('execute a command in a running container')
    .argument('<container>')
    .argument('<command...>')
    .option('-d, --detach', 'run the command in the background')
    .option('-e, --env <key=value>', 'set an environment variable (repeatable)', collect)
    .option('-i, --interactive', 'keep stdin open')
    .option('-t, --tty', 'allocate a pseudo-TTY')
    .option('--privileged', 'give extended privileges to the command')
    .option('-u, --user <user>', 'user name or uid[:group]')
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .passThroughOptions()
    .action(async (ref: string, command: string[], o: ExecFlags, cmd: Command) => {
      process.exitCode = await (await tools()).runExec(globalsOf(cmd), ref, command, o);
    });

  container.command('top').description('display the running processes of a container')
    .argument('<container>')
    .action(async (ref: string, _o: unknown, cmd: Command) => {
      await (await tools()).runTop(globalsOf(cmd), ref);
    });

  container.command('stats').description('display a live stream of container resource usage statistics')
    .argument('[container...]')
    .option('-a, --all', 'show all containers (default shows just running)')
    .option('--no-stream', 'print one sample and exit')
    .option('--no-trunc', 'do not truncate output')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (refs: string[], o: { all?: boolean; stream: boolean; trunc: boolean; format: 'table' | 'json' }, cmd: Command) => {
      const [{ printStats }, { containerStatsSampler }] = await Promise.all([import('../tools/stats-run.js'), import('../../project/container/index.js')]);
      await printStats(containerStatsSampler({ root: globalsOf(cmd).root, refs, all: o.all }), o);
    });

  container.command('port').description('list port mappings or a specific mapping for the container')
    .argument('<container>')
    .argument('[private_port]', 'container port, optionally with /tcp or /udp')
    .action(async (ref: string, priv: string | undefined, _o: unknown, cmd: Command) => {
      await (await tools()).runPort(globalsOf(cmd), ref, priv);
    });

  container.command('rename').description('rename a container')
    .argument('<container>')
    .argument('<new-name>')
    .action(async (ref: string, to: string, _o: unknown, cmd: Command) => {
      await (await tools()).runRename(globalsOf(cmd), ref, to);
    });

  container.command('wait').description('block until one or more containers stop, then print their exit codes')
    .argument('<container...>')
    .action(async (refs: string[], _o: unknown, cmd: Command) => {
      await (await tools()).runWait(globalsOf(cmd), refs);
    });

  container.command('cp').description('copy files/folders between a container and the local filesystem')
    .argument('<source>', 'CONTAINER:SRC_PATH, a local path, or - (a tar archive on stdin)')
    .argument('<destination>', 'CONTAINER:DEST_PATH, a local path, or - (a tar archive to stdout)')
    .option('-a, --archive', 'archive mode (copy all uid/gid information)')
    .option('-L, --follow-link', 'always follow a symbolic link given as SRC_PATH')
    .action(async (src: string, dst: string, o: { archive?: boolean; followLink?: boolean }, cmd: Command) => {
      await (await tools()).runCp(globalsOf(cmd), src, dst, o);
    });

  container.command('prune').description('remove all stopped containers')
    .option('-f, --force', 'do not prompt for confirmation')
    .option('--filter <filter>', 'label=k[=v], label!=k[=v], until=<time> (repeatable)', collect)
    .action(async (o: { force?: boolean; filter?: string[] }, cmd: Command) => {
      await (await tools()).runPrune(globalsOf(cmd), o);
    });
}

export interface LsFlags {
  all?: boolean;
  quiet?: boolean;
  filter?: string[];
  format: string;
  trunc: boolean;
  last?: string;
  latest?: boolean;
}

export interface LogsFlags { follow?: boolean; tail: string; since?: string; until?: string; timestamps?: boolean }

export interface ExecFlags {
  detach?: boolean;
  env?: string[];
  interactive?: boolean;
  tty?: boolean;
  privileged?: boolean;
  user?: string;
  workdir?: string;
}
