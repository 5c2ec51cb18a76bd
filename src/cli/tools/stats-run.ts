// `berth stats`: two samples per interval; --no-stream prints one table (or
// one JSON object per container and line, as Docker's --format json does).
import type { StatsFlags } from '../commands/stats.js';
import type { GlobalOptions } from '../globals.js';
import { projectScope } from '../project-scope.js';
import { statsSampler, type ContainerSample, type RawSample } from '../../project/stats.js';
import { interruptSignal } from './flags.js';
import { bytesBinary, bytesDecimal, table } from './table.js';
import { exitOnBrokenPipe, writeOut } from '../output.js';

const INTERVAL_MS = 500;

interface StatsRow {
  BlockIO: string;
  CPUPerc: string;
  Container: string;
  ID: string;
  MemPerc: string;
  MemUsage: string;
  Name: string;
  NetIO: string;
  PIDs: string;
}

const pct = (x: number) => `${x.toFixed(2)}%`;

/** Docker's row: CPU % over the interval between the two samples, on all host CPUs (as Docker counts it). */
function row(rec: { id: string; name: string }, a: RawSample, b: RawSample, trunc: boolean): StatsRow {
  const dt = (b.at - a.at) * 1e6;
  const cpu = b.running && a.running && dt > 0 ? ((b.cpuNs - a.cpuNs) / dt) * 100 : 0;
  const id = trunc ? rec.id.slice(0, 12) : rec.id;
  return {
    BlockIO: `${bytesDecimal(b.read)} / ${bytesDecimal(b.write)}`,
    CPUPerc: pct(Math.max(0, cpu)),
    Container: id,
    ID: id,
    MemPerc: pct(b.limit > 0 ? (b.mem / b.limit) * 100 : 0),
    MemUsage: `${bytesBinary(b.mem)} / ${bytesBinary(b.limit)}`,
    Name: rec.name,
    NetIO: `${bytesDecimal(b.rx)} / ${bytesDecimal(b.tx)}`,
    PIDs: String(b.pids),
  };
}

function render(rows: StatsRow[], format: 'table' | 'json'): string {
  if (format === 'json') return rows.map((r) => JSON.stringify(r) + '\n').join('');
  return table(['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'],
    rows.map((r) => [r.ID, r.Name, r.CPUPerc, r.MemUsage, r.MemPerc, r.NetIO, r.BlockIO, r.PIDs]));
}

export async function runStats(g: GlobalOptions, services: string[], o: StatsFlags): Promise<void> {
  const scope = await projectScope(g, services);
  await printStats(statsSampler({ root: g.root, project: scope.name, services, all: o.all }), o);
}

/** Two samples per interval from `take`: one table (--no-stream), or a table redrawn until Ctrl-C. */
export async function printStats(take: () => ContainerSample[], o: Omit<StatsFlags, 'all'>): Promise<void> {
  exitOnBrokenPipe();
  const signal = o.stream ? interruptSignal() : undefined;
  let prev = new Map<string, RawSample>(take().map((s) => [s.id, s.sample]));
  for (;;) {
    await new Promise((res) => setTimeout(res, INTERVAL_MS));
    const now: ContainerSample[] = take();
    const rows = now.map((s) => row(s, prev.get(s.id) ?? s.sample, s.sample, o.trunc));
    prev = new Map(now.map((s) => [s.id, s.sample]));
    const text = render(rows, o.format);
    if (!o.stream) return void writeOut(text);
    if (signal?.aborted) return;
    writeOut((process.stdout.isTTY ? '\x1b[2J\x1b[H' : '') + text);
  }
}
