// `berth exec`: flags → the service's exec, here or (a cluster project's
// service placed elsewhere) on its node through etcd.
import { BerthError } from '../../errors.js';
import type { ExecFlags } from '../commands/exec.js';
import type { GlobalOptions } from '../globals.js';
import { projectScope } from '../project-scope.js';
import { execInService } from '../../project/exec.js';
import { execOnNode, serviceNodeElsewhere } from '../../project/remote.js';
import { interruptSignal, parseEnvPairs, parseIndex } from './flags.js';

export async function runExec(g: GlobalOptions, service: string, argv: string[], o: ExecFlags): Promise<void> {
  const index = parseIndex(o.index);
  const scope = await projectScope(g, [service]);
  const tty = !o.detach && o.tty !== false && !!process.stdin.isTTY;
  const request = { project: scope.name, service, index, argv, env: parseEnvPairs(o.env), user: o.user, workdir: o.workdir, privileged: o.privileged };
  const elsewhere = await serviceNodeElsewhere(g.root, scope.name, scope.project, service);
  if (elsewhere) {
    // -t asks for a terminal even when stdin is not one here: say so rather than quietly run without.
    if (tty || o.tty === true) {
      throw new BerthError(`service ${service} runs on node ${elsewhere.node}: an interactive exec there needs a terminal relay, which etcd does not carry; use -T (output and exit code come back, stdin is not forwarded)`);
    }
    process.exitCode = await execOnNode(elsewhere, { ...request, detach: o.detach },
      (stream, data) => void process[stream].write(data), interruptSignal());
    return;
  }
  process.exitCode = await execInService({ ...request, root: g.root, tty, detach: o.detach });
}
