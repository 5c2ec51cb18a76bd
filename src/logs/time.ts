// Log timestamps as comparable strings, and the --since/--until arguments.
// Every time is kept as UTC RFC3339 with exactly nine fraction digits
// ("2026-11-23T10:00:00.123456789Z"): such strings sort like the instants
// they name, so filtering and multiplexing never lose the nanoseconds.
import { BerthError } from '../errors.js';
import { parseDuration } from '../units.js';

/** A signed Go duration ("10m", "-1h30m") in milliseconds, or undefined when `s` is not one. */
function durationMs(s: string): number | undefined {
  try { return parseDuration(s, { signed: true }) / 1e6; } catch { return undefined; }
}

/** ISO time of `ms` since the epoch with a given nanosecond fraction. */
function fixed(ms: number, fracNs?: string): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new RangeError('invalid time');
  const base = d.toISOString().slice(0, 19);
  const frac = (fracNs ?? String(d.getUTCMilliseconds()).padStart(3, '0')).padEnd(9, '0').slice(0, 9);
  return `${base}.${frac}Z`;
}

/** The canonical form of a Date (millisecond precision). */
export function timeOf(d: Date): string {
  return fixed(d.getTime());
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses an RFC3339-like timestamp (fraction and offset optional; no offset
 * means local time, as Docker does) into the canonical form, or undefined.
 */
export function parseTimestamp(s: string): string | undefined {
  const m = STAMP.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac, zone] = m;
  const nums = [y, mo, d, h, mi, sec].map(Number) as [number, number, number, number, number, number];
  if (nums[1] < 1 || nums[1] > 12 || nums[2] < 1 || nums[2] > 31 || nums[3] > 23 || nums[4] > 59 || nums[5] > 60) return undefined;
  let ms: number;
  if (!zone) {
    ms = new Date(nums[0], nums[1] - 1, nums[2], nums[3], nums[4], nums[5]).getTime();
  } else {
    ms = Date.UTC(nums[0], nums[1] - 1, nums[2], nums[3], nums[4], nums[5]);
    if (zone.toUpperCase() !== 'Z') {
      const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
      const off = (Number(z[2]) * 60 + Number(z[3])) * 60_000;
      ms -= z[1] === '+' ? off : -off;
    }
  }
  if (Number.isNaN(ms)) return undefined;
  return fixed(ms, frac ?? '0');
}

/** A log file's time field in canonical form (Docker trims trailing zeros; the shim writes nine digits). */
export function normalizeLogTime(s: string): string {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/.test(s)) return s;
  return parseTimestamp(s) ?? s;
}

/**
 * A --since/--until argument: an RFC3339 timestamp, a date, Unix seconds
 * (with an optional fraction), or a duration counted back from `now`
 * ("10m" = ten minutes ago).
 */
export function parseTimeArg(flag: string, value: string, now: Date = new Date()): string {
  const v = value.trim();
  const dur = durationMs(v);
  if (dur !== undefined) {
    // Sub-millisecond durations round to the millisecond; that is below anything a user can type meaningfully.
    return fixed(now.getTime() - Math.round(dur));
  }
  const unix = /^(\d+)(?:\.(\d{1,9}))?$/.exec(v);
  if (unix) return fixed(Number(unix[1]) * 1000, unix[2] ?? '0');
  const ts = parseTimestamp(v);
  if (ts) return ts;
  throw new BerthError(`invalid value "${value}" for ${flag}: use an RFC3339 timestamp (2026-11-23T10:00:00Z), Unix seconds, or a duration such as 10m or 1h30m`);
}
