// `berth logs`: options → the service's log lines → LogPrinter.
import { logLinesEverywhere } from '../../project/remote.js';
import type { LogsFlags } from '../commands/logs.js';
import type { GlobalOptions } from '../globals.js';
import { LogPrinter } from '../log-printer.js';
import { projectScope } from '../project-scope.js';
import { interruptSignal, parseCount, parseIndex, useColour } from './flags.js';
import { exitOnBrokenPipe } from '../output.js';

export async function runLogs(g: GlobalOptions, services: string[], o: LogsFlags): Promise<void> {
  exitOnBrokenPipe();
  const tail = o.tail === 'all' || o.tail === '-1' ? undefined : parseCount('--tail', o.tail);
  const index = parseIndex(o.index);
  const scope = await projectScope(g, services);
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
  // A cluster project's services on other nodes are read there (through etcd) and merged here.
  await logLinesEverywhere({
    root: g.root, project: scope.name, model: scope.project, services, index, tail, since: o.since, until: o.until, follow: !!o.follow,
    signal: o.follow ? interruptSignal() : undefined,
    onContainer: (name) => printer.add(name),
    onLine: (l) => printer.print(l),
    onBatchEnd: flush,
  });
  flush();
}
