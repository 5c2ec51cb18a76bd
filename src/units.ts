// Go durations ("1m30s") and docker byte sizes ("512m"): the one parser of
// each, used for Compose fields, Dockerfile flags, CLI arguments (logs
// --since) and pull_policy intervals. Each throws UnitError; callers that
// know a position or a flag name turn it into their own error.

export class UnitError extends Error {}

const NS: Record<string, number> = {
  ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9, d: 86_400e9, w: 604_800e9,
};

export interface DurationSyntax {
  /** A leading + or - (Go's time.ParseDuration takes one; Compose fields do not). */
  signed?: boolean;
  /** Days and weeks as units (compose-go's `every_<duration>` pull policies). */
  days?: boolean;
}

/** A Go duration ("1m30s", "10s", "1.5h", "500ms"; a number is seconds) → nanoseconds. */
export function parseDuration(v: string | number, syntax: DurationSyntax = {}): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw new UnitError(`invalid duration ${v}`);
    return v * 1e9;
  }
  let s = v.trim();
  let sign = 1;
  if (syntax.signed && /^[-+]/.test(s)) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new UnitError(`invalid duration "${v}"`);
  const re = syntax.days ? /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d|w)/y : /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) throw new UnitError(`invalid duration "${v}": expected e.g. 10s, 1m30s, 500ms, 1h`);
    total += Number(m[1]) * NS[m[2]!]!;
    i = re.lastIndex;
  }
  return sign * Math.round(total);
}

function trimNum(n: number, digits: number): string {
  return n.toFixed(digits).replace(/\.?0+$/, '');
}

/** Nanoseconds → Go's Duration.String() ("1m30s", "1h0m0s", "500ms"). */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  ns = Math.abs(ns);
  if (ns < 1e3) return `${sign}${ns}ns`;
  if (ns < 1e6) return `${sign}${trimNum(ns / 1e3, 3)}µs`;
  if (ns < 1e9) return `${sign}${trimNum(ns / 1e6, 6)}ms`;
  const h = Math.floor(ns / 3600e9);
  let rest = ns - h * 3600e9;
  const m = Math.floor(rest / 60e9);
  rest -= m * 60e9;
  let out = sign;
  if (h) out += `${h}h`;
  if (h || m) out += `${m}m`;
  return `${out}${trimNum(rest / 1e9, 9)}s`;
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** Byte size ("512m", "1gb", "2k", 1024) → bytes (binary units, as docker does). */
export function parseBytes(v: string | number): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0) throw new UnitError(`invalid byte size ${v}`);
    if (!Number.isSafeInteger(v)) throw new UnitError(`byte size ${v} is too large`);
    return v;
  }
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?$/i.exec(v.trim());
  if (!m) throw new UnitError(`invalid byte size "${v}": expected e.g. 512m, 1gb, 2048`);
  const n = Math.round(Number(m[1]) * BYTE_UNITS[m[2]!.toLowerCase()]!);
  // Past 2^53 bytes (8 PiB) the count is no longer exact, and no kernel limit goes there.
  if (!Number.isSafeInteger(n)) throw new UnitError(`byte size "${v}" is too large`);
  return n;
}
