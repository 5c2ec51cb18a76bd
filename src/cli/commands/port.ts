import type { Command } from 'commander';
import { Option } from 'commander';
import { globalsOf } from '../globals.js';
import { BerthError, UsageError } from '../../errors.js';
import { writeOut } from '../output.js';

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
      const [{ publishedPorts }, { loadProjectFromGlobals }, { parseIndex }] = await Promise.all([
        import('../../project/port.js'), import('../project-loader.js'), import('../tools/flags.js'),
      ]);
      const g = globalsOf(cmd);
      let target: number | undefined;
      let proto = opts.protocol;
      if (priv !== undefined) {
        const m = /^(\d{1,5})(?:\/(tcp|udp))?$/.exec(priv);
        if (!m || Number(m[1]) > 65535) throw new UsageError(`invalid port '${priv}'`);
        target = Number(m[1]);
        if (m[2]) proto = m[2] as 'tcp' | 'udp';
      }
      const index = parseIndex(opts.index);
      let project: string | undefined;
      let services: string[] = [];
      try {
        const p = await loadProjectFromGlobals(g);
        project = p.name;
        services = Object.keys(p.services);
      } catch (e) {
        // Without a compose file, -p still names the project; otherwise the engine form applies.
        if (!/no compose file found/.test((e as Error).message)) throw e;
        project = g.projectName;
      }
      const { label: t, ports } = publishedPorts({ root: g.root, project, services, nameOnly: !!g.projectName, name, index, target, protocol: proto });
      if (opts.format === 'json') return void writeOut(JSON.stringify(ports) + '\n');
      if (target !== undefined && ports.length === 0) throw new BerthError(`no port ${target}/${proto} for container ${t}: not published`);
      for (const p of ports) {
        const host = p.hostIp ? (p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp) : '0.0.0.0';
        writeOut(target !== undefined ? `${host}:${p.hostPort}\n` : `${p.target}/${p.protocol} -> ${host}:${p.hostPort}\n`);
      }
    });
}
