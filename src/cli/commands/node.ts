import type { Command } from 'commander';
import { Option } from 'commander';
import { collect, globalsOf } from '../globals.js';

// `berth node join|leave|ls`: this host as a node of a cluster (etcd). The
// implementation is loaded lazily; `node agent` is what `join` starts detached.
const impl = () => import('./node-impl.js');

export function registerNode(program: Command): void {
  const node = program.command('node').description('manage this host as a node of a cluster');

  node.command('join').description('join a cluster kept in etcd and start this node\'s agent')
    .requiredOption('--store <url>', 'etcd endpoints: etcd://HOST:PORT[,HOST:PORT...]')
    .requiredOption('--advertise-addr <ip>', 'this host\'s underlay address (VXLAN tunnel end)')
    .option('--name <name>', 'node name (default: the host name)')
    .option('--label <key=value>', 'node label, for placement (repeatable)', collect)
    .action(async (opts, cmd: Command) => (await impl()).join(globalsOf(cmd), opts));

  node.command('leave').description('withdraw this node\'s endpoints, stop its agent and leave the cluster')
    .action(async (_opts, cmd: Command) => (await impl()).leave(globalsOf(cmd)));

  node.command('ls').alias('list').description('list the nodes of the cluster')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts, cmd: Command) => (await impl()).ls(globalsOf(cmd), opts));

  node.command('agent', { hidden: true }).description('run this node\'s agent in the foreground')
    .action(async (_opts, cmd: Command) => (await impl()).agent(globalsOf(cmd)));
}
