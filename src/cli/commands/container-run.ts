import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { collect } from '../globals.js';

// The flags `container run` and `container create` share (docker's names).
// Parsing them into the project service's spec is src/cli/tools/container-run.ts.

const int = (flag: string) => (v: string): number => {
  if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError(`${flag} takes a whole number`);
  return Number(v);
};

const num = (flag: string) => (v: string): number => {
  if (!/^\d+(\.\d+)?$/.test(v)) throw new InvalidArgumentError(`${flag} takes a number`);
  return Number(v);
};

export function addCreateFlags(cmd: Command): Command {
  return cmd
    .helpOption('--help', 'display help for command') // -h is --hostname, as in docker
    .argument('<image>', 'image reference')
    .argument('[command...]', 'command and arguments (default: the image\'s)')
    .option('--name <name>', 'assign a name to the container (default: a random one)')
    .option('-i, --interactive', 'keep stdin open')
    .option('-t, --tty', 'allocate a pseudo-TTY')
    .option('-e, --env <key=value>', 'set an environment variable (repeatable)', collect)
    .option('--env-file <file>', 'read environment variables from a file (repeatable)', collect)
    .option('-p, --publish <spec>', 'publish a container port to the host (repeatable)', collect)
    .option('-P, --publish-all', 'publish every exposed port to a random host port')
    .option('-v, --volume <spec>', 'bind mount a path or mount a named volume (repeatable)', collect)
    .option('--mount <spec>', 'attach a mount: type=bind|volume|tmpfs,source=...,target=... (repeatable)', collect)
    .option('--tmpfs <spec>', 'mount a tmpfs directory: PATH[:OPTIONS] (repeatable)', collect)
    .option('--network <name>', 'connect to a berth network (or host, none, container:NAME)')
    .option('--ip <address>', 'IPv4 address on the network')
    .option('--network-alias <alias>', 'a DNS alias on the network (repeatable)', collect)
    .option('-u, --user <user>', 'user name or uid[:group]')
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('--entrypoint <cmd>', 'override the image\'s entrypoint ("" resets it)')
    .option('--restart <policy>', 'no, always, on-failure[:N] or unless-stopped', 'no')
    .option('-m, --memory <bytes>', 'memory limit (e.g. 256m)')
    .option('--cpus <n>', 'number of CPUs', num('--cpus'))
    .option('--pids-limit <n>', 'process limit (-1: unlimited)', int('--pids-limit'))
    .option('--cap-add <cap>', 'add a capability (repeatable)', collect)
    .option('--cap-drop <cap>', 'drop a capability (repeatable)', collect)
    .option('--privileged', 'give extended privileges to the container')
    .option('--read-only', 'mount the root filesystem read-only')
    .option('--security-opt <opt>', 'security option (repeatable)', collect)
    .option('--init', 'run an init inside the container that forwards signals and reaps processes')
    .option('--health-cmd <cmd>', 'command to check health (run with sh -c)')
    .option('--health-interval <duration>', 'time between health checks (e.g. 30s)')
    .option('--health-timeout <duration>', 'maximum time one check may take')
    .option('--health-retries <n>', 'consecutive failures before unhealthy', int('--health-retries'))
    .option('--health-start-period <duration>', 'start period during which failures do not count')
    .option('--no-healthcheck', 'disable the image\'s HEALTHCHECK')
    .option('-l, --label <key=value>', 'set a label (repeatable)', collect)
    .option('-h, --hostname <name>', 'container host name')
    .option('--dns <address>', 'custom DNS server (repeatable)', collect)
    .option('--add-host <host:ip>', 'add a line to /etc/hosts (repeatable)', collect)
    .option('--runtime <name>', 'OCI runtime for this container')
    .addOption(new Option('--pull <policy>', 'pull the image before creating').choices(['always', 'missing', 'never']).default('missing'))
    .passThroughOptions();
}

export interface CreateFlags {
  name?: string;
  interactive?: boolean;
  tty?: boolean;
  env?: string[];
  envFile?: string[];
  publish?: string[];
  publishAll?: boolean;
  volume?: string[];
  mount?: string[];
  tmpfs?: string[];
  network?: string;
  ip?: string;
  networkAlias?: string[];
  user?: string;
  workdir?: string;
  entrypoint?: string;
  restart: string;
  memory?: string;
  cpus?: number;
  pidsLimit?: number;
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  readOnly?: boolean;
  securityOpt?: string[];
  init?: boolean;
  healthCmd?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthRetries?: number;
  healthStartPeriod?: string;
  healthcheck: boolean;
  label?: string[];
  hostname?: string;
  dns?: string[];
  addHost?: string[];
  runtime?: string;
  pull: string;
}

export interface RunFlags extends CreateFlags {
  detach?: boolean;
  rm?: boolean;
}
