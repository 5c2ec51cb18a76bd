// oom_score_adj below the current value needs CAP_SYS_RESOURCE (the kernel
// refuses it with EPERM otherwise, e.g. in an unprivileged or capability-
// trimmed host). berth-runtime then keeps the inherited value and goes on;
// this says so up front, so the refusal is never silent.
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
