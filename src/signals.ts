// Signal names, the one table in TypeScript: Node's os.constants.signals,
// plus the real-time forms the kernel has (SIGRTMIN+n, SIGRTMAX-n). The
// native side has its own, native/common/signal.c.
import { constants } from 'node:os';

/** "term", "TERM" and "SIGTERM" are spelled "SIGTERM"; a number stays as written. */
export function signalSpelling(s: string): string {
  const up = s.trim().toUpperCase();
  if (/^\d+$/.test(up)) return up;
  return up.startsWith('SIG') ? up : `SIG${up}`;
}

/** Whether a signal, as signalSpelling spells it, exists: a known name or a number from 1 to 64. */
export function isSignal(spelled: string): boolean {
  if (/^\d+$/.test(spelled)) return Number(spelled) >= 1 && Number(spelled) <= 64;
  return Object.hasOwn(constants.signals, spelled) || /^SIGRT(MIN(\+\d+)?|MAX(-\d+)?)$/.test(spelled);
}

/** The number of a named signal, 0 when unknown: the n of a shell's exit code 128+n. */
export function signalNumber(name: string): number {
  return (constants.signals as Record<string, number>)[name] ?? 0;
}
