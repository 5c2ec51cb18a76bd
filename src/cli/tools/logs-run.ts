// `berth logs`: options → projectLogs → LogPrinter.
import { LogPrinter, projectLogs, parseTimeArg } from '../../logs/index.js';
import { statePaths } from '../../state/paths.js';
import type { LogsFlags } from '../commands/logs.js';
import type { GlobalOptions } from '../globals.js';
import { projectScope } from '../project-scope.js';
import { interruptSignal, parseCount, parseIndex, useColour } from './flags.js';

export async function runLogs(g: GlobalOptions, services: string[], o: LogsFlags): Promise<void> {
  const tail = o.tail === 'all' || o.tail === '-1' ? undefined : parseCount('--tail', o.tail);
  const now = new Date();
  const since = o.since ? parseTimeArg('--since', o.since, now) : undefined;
  const until = o.until ? parseTimeArg('--until', o.until, now) : undefined;
  const index = parseIndex(o.index);
  const scope = await projectScope(g, services);
  const printer = new LogPrinter({ color: useColour(g, !o.color), prefix: o.logPrefix, timestamps: !!o.timestamps });
  await projectLogs(statePaths(g.root), scope.name, {
    services, index, tail, since, until, follow: !!o.follow,
    signal: o.follow ? interruptSignal() : undefined,
    onContainer: (_c, name) => printer.add(name),
    onLine: (l) => printer.print(l),
  });
}
