// `berth logs`: options → projectLogs → LogPrinter.
import { LogPrinter, projectLogs, parseTimeArg } from '../../logs/index.js';
import { UsageError } from '../../errors.js';
import { serviceContainer } from '../../logs/select.js';
import { statePaths } from '../../state/paths.js';
import type { LogsFlags } from '../commands/logs.js';
import type { GlobalOptions } from '../globals.js';
import { projectScope } from '../project-scope.js';
import { interruptSignal, parseCount, parseIndex, useColour, exitOnBrokenPipe } from './flags.js';

export async function runLogs(g: GlobalOptions, services: string[], o: LogsFlags): Promise<void> {
  exitOnBrokenPipe();
  const tail = o.tail === 'all' || o.tail === '-1' ? undefined : parseCount('--tail', o.tail);
  const now = new Date();
  const since = o.since ? parseTimeArg('--since', o.since, now) : undefined;
  const until = o.until ? parseTimeArg('--until', o.until, now) : undefined;
  const index = parseIndex(o.index);
  const scope = await projectScope(g, services);
  if (index !== undefined) {
    // As docker compose: --index names one container of one service, and a missing one is an error.
    if (services.length !== 1) throw new UsageError('--index needs exactly one service');
    serviceContainer(statePaths(g.root), scope.name, services[0]!, index);
  }
  // Buffered: one write per batch (or 64 KiB) instead of one per line.
  const pending = { stdout: '', stderr: '' };
  const flush = () => {
    for (const k of ['stdout', 'stderr'] as const) {
      if (pending[k]) process[k].write(pending[k]);
      pending[k] = '';
    }
  };
  const printer = new LogPrinter({
    color: useColour(g, !o.color), prefix: o.logPrefix, timestamps: !!o.timestamps,
    write: (stream, text) => {
      // Order between the two streams is kept by flushing the other one first.
      const other = stream === 'stdout' ? 'stderr' : 'stdout';
      if (pending[other]) flush();
      pending[stream] += text;
      if (pending[stream].length >= 65536) flush();
    },
  });
  await projectLogs(statePaths(g.root), scope.name, {
    services, index, tail, since, until, follow: !!o.follow,
    signal: o.follow ? interruptSignal() : undefined,
    onContainer: (_c, name) => printer.add(name),
    onLine: (l) => printer.print(l),
    onBatchEnd: flush,
  });
  flush();
}
