// Build progress on stderr: docker's plain lines (also on a terminal), JSON
// lines with --progress json, nothing with quiet. With several services the
// lines carry the service name.
import { BerthError } from '../../errors.js';
import { BuildEventFormatter, type BuildEvent } from '../../project/build-events.js';
import type { GlobalOptions } from '../globals.js';
import { writeErr } from '../output.js';

export function buildProgress(g: GlobalOptions, quiet = false): ((service: string | undefined, e: BuildEvent) => void) | undefined {
  if (quiet || g.progress === 'quiet') return undefined;
  if (g.progress === 'json') {
    return (service, e) => writeErr(JSON.stringify({ ...(service ? { service } : {}), ...e, time: new Date().toISOString() }) + '\n');
  }
  const formatters = new Map<string, BuildEventFormatter>();
  return (service, e) => {
    const key = service ?? '';
    let f = formatters.get(key);
    if (!f) { f = new BuildEventFormatter(); formatters.set(key, f); }
    const prefix = service ? `${service} ` : '';
    for (const l of f.lines(e)) writeErr(`${prefix}${l}\n`);
  };
}

/** --build-arg K=V or K (from the environment, as docker). */
export function buildArgsOf(list: string[] | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const a of list ?? []) {
    const i = a.indexOf('=');
    if (i < 0) { if (process.env[a] !== undefined) out[a] = process.env[a]; } else out[a.slice(0, i)] = a.slice(i + 1);
  }
  return out;
}

/** Ctrl-C stops the build at the running step, which then cleans up (its mounts, its container) before exiting. */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSigint = () => ac.abort(new BerthError('build interrupted', 130));
  process.on('SIGINT', onSigint);
  try { return await fn(ac.signal); } finally { process.off('SIGINT', onSigint); }
}
