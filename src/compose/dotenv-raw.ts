// The `raw` env_file format (`env_file: [{path, format: raw}]`): the syntax
// of `docker run --env-file`, which docker compose registers for it. Values
// are taken literally: no quotes, escapes, comments after a value or
// interpolation; only leading whitespace of a line is dropped.
import { ComposeError } from './errors.js';
import type { Lookup } from './interpolate.js';

/** Parses raw env text; a bare `KEY` takes its value from `lookup` and is skipped when unset. */
export function parseRawEnv(text: string, file: string, lookup: Lookup = () => undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    // A line scanner drops the \r of a CRLF ending, as Go's bufio.ScanLines does.
    const line = lines[n]!.replace(/\r$/, '').trimStart();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    const pos = { file, line: n + 1, col: lines[n]!.length - lines[n]!.trimStart().length + 1 };
    if (key === '') throw new ComposeError('no variable name before "="', pos);
    if (/\s/.test(key)) throw new ComposeError(`variable "${key}" contains whitespace`, pos);
    // A plain object would take this key as its prototype and drop the value.
    if (key === '__proto__') throw new ComposeError(`invalid variable name "${key}"`, pos);
    if (eq >= 0) out[key] = line.slice(eq + 1);
    else {
      const v = lookup(key);
      if (v !== undefined) out[key] = v;
    }
  }
  return out;
}
