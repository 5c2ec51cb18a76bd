// Small parsers shared by the tool commands' flags.
import { UsageError } from '../../errors.js';
import type { GlobalOptions } from '../globals.js';

export function parseIndex(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`invalid --index "${v}": a container number (1, 2, ...)`);
  return Number(v);
}

export function parseCount(flag: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`invalid ${flag} "${v}": a whole number`);
  return Number(v);
}

/** Coloured output: not with --no-color or --ansi never, and only on a terminal unless --ansi always. */
export function useColour(g: GlobalOptions, noColorFlag: boolean, stream: NodeJS.WriteStream = process.stdout): boolean {
  if (noColorFlag || g.ansi === 'never' || process.env.NO_COLOR) return false;
  return g.ansi === 'always' || !!stream.isTTY;
}

/** "KEY=value" pairs (a bare KEY takes its value from this environment, as Docker does). */
export function parseEnvPairs(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of list ?? []) {
    const i = e.indexOf('=');
    if (i === 0) throw new UsageError(`invalid environment variable "${e}"`);
    if (i < 0) {
      const v = process.env[e];
      if (v !== undefined) out[e] = v;
    } else out[e.slice(0, i)] = e.slice(i + 1);
  }
  return out;
}

/** An AbortSignal fired by SIGINT/SIGTERM (Ctrl-C ends a follow cleanly). */
export function interruptSignal(): AbortSignal {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return ac.signal;
}
