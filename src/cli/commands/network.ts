import type { Command } from 'commander';
import { Option } from 'commander';
import { collect, globalsOf } from '../globals.js';

// `berth network ls|inspect|create|rm|prune|connect|disconnect`: engine-level
// commands over the network records. The implementation is loaded lazily.
const impl = () => import('./network-impl.js');

export function registerNetwork(program: Command): void {
  const net = program.command('network').description('manage networks');
  const fmt = () => new Option('--format <format>', 'output format').choices(['table', 'json']).default('table');

  net.command('ls').alias('list').description('list networks')
    .option('--format <format>', 'table, json, or a Go template ("{{.Name}}\\t{{.Driver}}"; "table ..." adds headers)', 'table')
    .option('--no-trunc', 'do not truncate the output')
    .option('-q, --quiet', 'only display network ids')
    .option('--filter <filter>', 'filter: name=<n>, label=<k>[=<v>], driver=<d> (repeatable)', collect)
    .action(async (opts, cmd: Command) => (await impl()).ls(globalsOf(cmd), opts));

  net.command('inspect').description('show details of networks (JSON)')
    .argument('<network...>', 'network names or ids')
    .option('-f, --format <template>', 'a Go template ("{{.Driver}}"), or json')
    .action(async (names: string[], opts: { format?: string }, cmd: Command) => (await impl()).inspect(globalsOf(cmd), names, opts));

  net.command('create').description('create a network')
    .argument('<name>', 'network name')
    .addOption(new Option('-d, --driver <driver>', 'driver').default('bridge'))
    .option('--subnet <cidr>', 'subnet (repeatable: one IPv4 and one IPv6)', collect)
    .option('--gateway <ip>', 'gateway for the subnet at the same position (repeatable)', collect)
    .option('--ip-range <cidr>', 'allocate container addresses from this range (repeatable)', collect)
    .option('--internal', 'no outbound access')
    .option('--attachable', 'allow manual container attachment')
    .option('--ipv6', 'enable IPv6')
    .option('--label <key=value>', 'label (repeatable)', collect)
    .option('-o, --opt <key=value>', 'driver option, e.g. com.docker.network.driver.mtu=1400 (repeatable)', collect)
    .addOption(fmt())
    .action(async (name: string, opts, cmd: Command) => (await impl()).create(globalsOf(cmd), name, opts));

  net.command('rm').alias('remove').description('remove networks')
    .argument('<network...>', 'network names or ids')
    .action(async (names: string[], _opts, cmd: Command) => (await impl()).rm(globalsOf(cmd), names));

  net.command('prune').description('remove every network without containers')
    .option('-f, --force', 'do not prompt (berth never prompts; accepted for compatibility)')
    .option('--filter <filter>', 'label=<k>[=<v>] (repeatable)', collect)
    .addOption(fmt())
    .action(async (opts, cmd: Command) => (await impl()).prune(globalsOf(cmd), opts));

  net.command('connect').description('attach a container (by its network namespace) to a network')
    .argument('<network>', 'network name or id')
    .argument('<container>', 'container id')
    .requiredOption('--netns <path>', 'the container\'s network namespace file')
    .option('--name <name>', 'container name (answered by DNS)')
    .option('--alias <name>', 'network-scoped alias (repeatable)', collect)
    .option('--ip <ip>', 'IPv4 address')
    .option('--ip6 <ip>', 'IPv6 address')
    .option('--interface-name <name>', 'interface name inside the container')
    .option('--mac-address <mac>', 'MAC address')
    .addOption(fmt())
    .action(async (network: string, container: string, opts, cmd: Command) => (await impl()).connect(globalsOf(cmd), network, container, opts));

  net.command('disconnect').description('detach a container from a network')
    .argument('<network>', 'network name or id')
    .argument('<container>', 'container id')
    .option('-f, --force', 'accepted for compatibility')
    .action(async (network: string, container: string, _opts, cmd: Command) => (await impl()).disconnect(globalsOf(cmd), network, container));
}
