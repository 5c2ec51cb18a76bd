// `berth exec`: flags → the service's exec.
import { BerthError } from '../../errors.js';
import type { ExecFlags } from '../commands/exec.js';
import type { GlobalOptions } from '../globals.js';
import { projectScope } from '../project-scope.js';
import { execInService } from '../../project/exec.js';
import { parseEnvPairs, parseIndex } from './flags.js';

export async function runExec(g: GlobalOptions, service: string, argv: string[], o: ExecFlags): Promise<void> {
  const index = parseIndex(o.index);
  const scope = await projectScope(g, [service]);
  const { servicesElsewhere, elsewhereMessage } = await import('../../project/cluster.js');
  const elsewhere = await servicesElsewhere(g.root, scope.name, scope.project, [service]);
  if (elsewhere.length) throw new BerthError(elsewhereMessage('exec', scope.name, elsewhere));
  const tty = !o.detach && o.tty !== false && !!process.stdin.isTTY;
  process.exitCode = await execInService({
    root: g.root, project: scope.name, service, index, argv,
    tty, detach: o.detach, env: parseEnvPairs(o.env), user: o.user, workdir: o.workdir, privileged: o.privileged,
  });
}
