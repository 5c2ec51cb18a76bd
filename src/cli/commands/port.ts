import type { Command } from 'commander';
import { Option } from 'commander';
import { globalsOf } from '../globals.js';
import { BerthError, UsageError } from '../../errors.js';

// `berth port <container> [private_port[/proto]]`: the host address of a
// published port, from the endpoint records (random ports included).
export function registerPort(program: Command): void {
  program.command('port')
    .description('print the public address of a container port')
    .argument('<container>', 'container id')
    .argument('[private_port]', 'container port, optionally with /tcp or /udp')
    .addOption(new Option('--protocol <proto>', 'tcp or udp').choices(['tcp', 'udp']).default('tcp'))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (container: string, priv: string | undefined, opts: { protocol: 'tcp' | 'udp'; format: string }, cmd: Command) => {
      const { statePaths } = await import('../../state/paths.js');
      const { lookupPorts } = await import('../../network/endpoints.js');
      let target: number | undefined;
      let proto = opts.protocol;
      if (priv !== undefined) {
        const m = /^(\d{1,5})(?:\/(tcp|udp))?$/.exec(priv);
        if (!m) throw new UsageError(`invalid port '${priv}'`);
        target = Number(m[1]);
        if (m[2]) proto = m[2] as 'tcp' | 'udp';
      }
      const ports = lookupPorts(statePaths(globalsOf(cmd).root), container, target, proto);
      if (opts.format === 'json') return void process.stdout.write(JSON.stringify(ports) + '\n');
      if (target !== undefined && ports.length === 0) throw new BerthError(`no public port '${target}/${proto}' published for ${container}`);
      for (const p of ports) {
        const host = p.hostIp ? (p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp) : '0.0.0.0';
        process.stdout.write(target !== undefined ? `${host}:${p.hostPort}\n` : `${p.target}/${p.protocol} -> ${host}:${p.hostPort}\n`);
      }
    });
}
