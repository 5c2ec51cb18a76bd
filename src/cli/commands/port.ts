import type { Command } from 'commander';
import { Option } from 'commander';
import { globalsOf } from '../globals.js';
import { BerthError, UsageError } from '../../errors.js';

// `berth port SERVICE PRIVATE_PORT` (Compose: the service's container,
// --index) or `berth port CONTAINER [PRIVATE_PORT]` (engine form, when the
// name is no service of the project): the host address of a published port,
// from the endpoint records (random ports included).
export function registerPort(program: Command): void {
  program.command('port')
    .description('print the public address of a port binding')
    .argument('<service>', 'service name (or a container id or name)')
    .argument('[private_port]', 'container port, optionally with /tcp or /udp')
    .addOption(new Option('--protocol <proto>', 'tcp or udp').choices(['tcp', 'udp']).default('tcp'))
    .option('--index <n>', 'index of the container if the service has several replicas')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (name: string, priv: string | undefined, opts: { protocol: 'tcp' | 'udp'; format: string; index?: string }, cmd: Command) => {
      const { statePaths } = await import('../../state/paths.js');
      const { lookupPorts } = await import('../../network/endpoints.js');
      const { resolvePortTarget } = await import('../tools/port-target.js');
      const g = globalsOf(cmd);
      let target: number | undefined;
      let proto = opts.protocol;
      if (priv !== undefined) {
        const m = /^(\d{1,5})(?:\/(tcp|udp))?$/.exec(priv);
        if (!m || Number(m[1]) > 65535) throw new UsageError(`invalid port '${priv}'`);
        target = Number(m[1]);
        if (m[2]) proto = m[2] as 'tcp' | 'udp';
      }
      const paths = statePaths(g.root);
      const t = await resolvePortTarget(g, paths, name, opts.index);
      if (t.service && target === undefined) throw new UsageError('port: PRIVATE_PORT is required with a service name');
      if (t.service) {
        // docker compose looks among running containers only: a stopped one has no bound ports.
        const { Containers } = await import('../../container/index.js');
        const { observeStatus } = await import('../../container/status.js');
        const status = observeStatus(new Containers(paths).pathsOf(t.containerId), t.containerId).status;
        if (status !== 'running' && status !== 'paused') throw new BerthError(`service "${name}" is not running (container ${t.label} is ${status})`);
      }
      const ports = lookupPorts(paths, t.containerId, target, proto);
      if (opts.format === 'json') return void process.stdout.write(JSON.stringify(ports) + '\n');
      if (target !== undefined && ports.length === 0) throw new BerthError(`no port ${target}/${proto} for container ${t.label}: not published`);
      for (const p of ports) {
        const host = p.hostIp ? (p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp) : '0.0.0.0';
        process.stdout.write(target !== undefined ? `${host}:${p.hostPort}\n` : `${p.target}/${p.protocol} -> ${host}:${p.hostPort}\n`);
      }
    });
}
