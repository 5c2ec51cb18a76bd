// oom_score_adj below the current value needs CAP_SYS_RESOURCE (the kernel
// refuses it with EPERM otherwise, e.g. in an unprivileged or capability-
// trimmed host). berth-runtime then keeps the inherited value and goes on;
// this says so up front, so the refusal is never silent. The same holds for
// a `ulimits` hard limit above the current one (setrlimit's EPERM): the
// runtime keeps the current hard limit and clamps the soft one under it.
import { readFileSync } from 'node:fs';

const CAP_SYS_RESOURCE = 24;

function selfStatus(): { capEff: bigint; adj: number } {
  let capEff = ~0n, adj = 0;
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) capEff = BigInt(`0x${m[1]}`);
    adj = Number(readFileSync('/proc/self/oom_score_adj', 'utf8').trim()) || 0;
  } catch { /* not Linux: nothing to predict */ }
  return { capEff, adj };
}

/** Why `value` cannot be applied on this host, or undefined when it can. */
export function oomScoreAdjRefusal(value: number | undefined): string | undefined {
  if (value === undefined) return undefined;
  const { capEff, adj } = selfStatus();
  if (value >= adj || (capEff >> BigInt(CAP_SYS_RESOURCE)) & 1n) return undefined;
  return `oom_score_adj ${value}: not applied, lowering it below ${adj} needs CAP_SYS_RESOURCE, which berth does not hold here; the container keeps ${adj}`;
}

/** The /proc/<pid>/limits row of each limit `ulimits` names. */
const LIMIT_ROWS: Record<string, string> = {
  nofile: 'Max open files', nproc: 'Max processes', core: 'Max core file size', memlock: 'Max locked memory',
  stack: 'Max stack size', fsize: 'Max file size', data: 'Max data size', as: 'Max address space',
  locks: 'Max file locks', sigpending: 'Max pending signals', msgqueue: 'Max msgqueue size', nice: 'Max nice priority',
  rtprio: 'Max realtime priority', rttime: 'Max realtime timeout', cpu: 'Max cpu time', rss: 'Max resident set',
};

/** Why each `ulimits` entry cannot be applied as written on this host (a hard limit above the current one without CAP_SYS_RESOURCE). */
export function ulimitRefusals(ulimits: Record<string, number | { soft: number; hard: number }> | undefined): string[] {
  if (!ulimits || (selfStatus().capEff >> BigInt(CAP_SYS_RESOURCE)) & 1n) return [];
  let limits = '';
  try { limits = readFileSync('/proc/self/limits', 'utf8'); } catch { return []; }
  const out: string[] = [];
  for (const [name, v] of Object.entries(ulimits)) {
    const row = LIMIT_ROWS[name.toLowerCase()];
    const m = row ? new RegExp(`^${row}\\s+\\S+\\s+(\\d+)`, 'm').exec(limits) : null;
    if (!m) continue; // unlimited, or a row this kernel lacks
    const hard = typeof v === 'number' ? v : v.hard, soft = typeof v === 'number' ? v : v.soft;
    const cur = Number(m[1]);
    if (hard <= cur) continue;
    out.push(`ulimits.${name}: hard limit ${hard} is above the current ${cur} and raising it needs CAP_SYS_RESOURCE, which berth does not hold here; the container gets soft ${Math.min(soft, cur)}, hard ${cur}`);
  }
  return out;
}
