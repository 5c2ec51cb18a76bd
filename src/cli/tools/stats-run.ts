// `berth stats`: two samples per interval; --no-stream prints one table (or
// one JSON object per container and line, as Docker's --format json does).
import { Containers } from '../../container/index.js';
import { observeStatus } from '../../container/status.js';
import { projectContainers } from '../../logs/select.js';
import { statePaths } from '../../state/paths.js';
import type { StatsFlags } from '../commands/stats.js';
import type { GlobalOptions } from '../globals.js';
import { projectScope } from '../project-scope.js';
import { interruptSignal, exitOnBrokenPipe } from './flags.js';
import { row, sample, type RawSample, type StatsRow } from './stats-sample.js';
import { table } from './table.js';

const INTERVAL_MS = 500;

function render(rows: StatsRow[], format: 'table' | 'json'): string {
  if (format === 'json') return rows.map((r) => JSON.stringify(r) + '\n').join('');
  return table(['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'],
    rows.map((r) => [r.ID, r.Name, r.CPUPerc, r.MemUsage, r.MemPerc, r.NetIO, r.BlockIO, r.PIDs]));
}

export async function runStats(g: GlobalOptions, services: string[], o: StatsFlags): Promise<void> {
  exitOnBrokenPipe();
  const scope = await projectScope(g, services);
  const paths = statePaths(g.root);
  const c = new Containers(paths);
  const pick = () => projectContainers(paths, scope.name, { services }).map((p) => p.record)
    .filter((r) => o.all || ['running', 'paused'].includes(observeStatus(c.pathsOf(r.id), r.id).status));
  const signal = o.stream ? interruptSignal() : undefined;
  let prev = new Map<string, RawSample>();
  for (const r of pick()) prev.set(r.id, sample(c, r));
  for (;;) {
    await new Promise((res) => setTimeout(res, INTERVAL_MS));
    const recs = pick();
    const next = new Map<string, RawSample>();
    const rows = recs.map((r) => {
      const b = sample(c, r);
      next.set(r.id, b);
      return row(r, prev.get(r.id) ?? b, b, o.trunc);
    });
    prev = next;
    const text = render(rows, o.format);
    if (!o.stream) return void process.stdout.write(text);
    if (signal?.aborted) return;
    process.stdout.write((process.stdout.isTTY ? '\x1b[2J\x1b[H' : '') + text);
  }
}
