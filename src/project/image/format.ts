// Output helpers for the image commands: tables, sizes, ages, JSON.
import { BerthError } from '../../errors.js';
import { familiarName, splitRefKey } from '../../image/reference.js';

export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('   ').trimEnd()).join('\n') + '\n';
}

export function humanSize(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(v >= 10 ? 1 : 2)}${units[i]}`;
}

export function ago(iso?: string): string {
  if (!iso) return 'N/A';
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (Number.isNaN(s)) return 'N/A';
  const steps: Array<[number, string]> = [[60, 'second'], [60, 'minute'], [24, 'hour'], [30, 'day'], [12, 'month'], [Infinity, 'year']];
  let v = s;
  for (const [div, unit] of steps) {
    if (v < div) {
      const n = Math.floor(v);
      if (unit === 'second' && n < 1) return 'Less than a second ago';
      return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
    }
    v /= div;
  }
  return 'long ago';
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** [repository, tag] for display, in Docker's short form. */
export function repoTag(key: string): [string, string] {
  const { name, tag } = splitRefKey(key);
  return [familiarName(name), tag ?? '<none>'];
}

export function printJson(v: unknown): void {
  process.stdout.write(JSON.stringify(v, null, 2) + '\n');
}

/** `--format json` of a listing, as docker prints it: one compact object per line. */
export function printJsonLines(rows: unknown[]): void {
  process.stdout.write(rows.map((r) => JSON.stringify(r) + '\n').join(''));
}

/**
 * System errors (disk full, permission denied, missing directory) are
 * something the user can act on: one line, not a stack.
 */
export function userError(e: unknown): unknown {
  const se = e as NodeJS.ErrnoException;
  if (se instanceof Error && typeof se.code === 'string' && /^E[A-Z0-9]+$/.test(se.code) && typeof se.syscall === 'string') {
    return new BerthError(`${se.syscall}${se.path ? ` ${se.path}` : ''}: ${se.code} (${se.message.replace(/^[A-Z0-9]+: /, '').split(',')[0]})`);
  }
  return e;
}
