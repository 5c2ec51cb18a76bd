// Progress events as text for `--progress plain` (one line per event, as
// docker compose prints them) and `--progress json` (one object per line).
import type { ProgressEvent } from './execute.js';

/** "Container demo-web-1  Started  0.4s" (errors and warnings carry their message). */
export function plainEvent(e: ProgressEvent): string {
  const secs = `${(e.elapsed / 1000).toFixed(1)}s`;
  const msg = e.message && (e.status === 'Error' || e.status === 'Warning' || e.status === 'Skipped') ? `  ${e.message}` : '';
  return `${e.resource} ${e.id}  ${e.status}${e.elapsed > 0 ? `  ${secs}` : ''}${msg}`;
}

export function jsonEvent(e: ProgressEvent, now: Date = new Date()): string {
  return JSON.stringify({ time: now.toISOString(), resource: e.resource, id: e.id, status: e.status, elapsed: e.elapsed, ...(e.message ? { message: e.message } : {}) });
}
