// The .env file syntax that docker compose reads (project .env, --env-file
// and service env_file): KEY=VALUE lines, optional `export`, # comments,
// single quotes (literal but for \'), double quotes (escapes, may span lines),
// unquoted values (trimmed, ` #` starts a comment), and interpolation of
// ${VAR} in unquoted and double-quoted values.
import { parseRawEnv } from './dotenv-raw.js';
import { ComposeError } from './errors.js';
import { substitute, TemplateError, type Lookup } from './interpolate.js';
import { bytePos, firstInvalidUtf8 } from './text-guard.js';
import { readInputFile } from './read-input.js';

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// Double-quoted escapes as compose-go reads them (Go's rune escapes it allows, `\$` for a literal dollar);
// any other backslash stays as written.
const ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', $: '$$',
};

/** `\0` and up to 3 digits: three octal digits (at most 0377) are that byte's character; otherwise the 0 is dropped, as compose-go does. */
function octalEscape(src: string, at: number): { text: string; len: number } {
  const digits = /^\d{0,3}/.exec(src.slice(at, at + 3))![0];
  // NUL is left as written: no environment variable can hold it.
  if (/^[0-7]{3}$/.test(digits) && parseInt(digits, 8) <= 0o377 && parseInt(digits, 8) > 0) return { text: String.fromCharCode(parseInt(digits, 8)), len: 3 };
  return { text: `\\${digits}`, len: digits.length };
}

/**
 * Parses .env text. `lookup` resolves variables used in values (the shell
 * environment first, then earlier lines of this file, as compose does).
 * A bare `KEY` takes its value from `lookup` and is skipped when unset.
 */
export function parseDotenv(text: string, file: string, lookup: Lookup = () => undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const look: Lookup = (n) => lookup(n) ?? (Object.hasOwn(out, n) ? out[n] : undefined);
  const src = text.replace(/\r\n?/g, '\n');
  let i = 0;
  let line = 1;
  const fail = (msg: string, l = line): never => { throw new ComposeError(msg, { file, line: l, col: 1 }); };
  const interp = (v: string, l: number): string => {
    try { return substitute(v, look); } catch (e) {
      if (e instanceof TemplateError) return fail(e.message, l);
      throw e;
    }
  };
  while (i < src.length) {
    let eol = src.indexOf('\n', i);
    if (eol < 0) eol = src.length;
    const raw = src.slice(i, eol);
    const startLine = line;
    let body = raw.trimStart();
    if (body === '' || body.startsWith('#')) { i = eol + 1; line++; continue; }
    if (/^export\s+/.test(body)) body = body.replace(/^export\s+/, '');
    const m = /^([^=:\s]+)\s*([=:])?\s*/.exec(body);
    const key = m?.[1] ?? '';
    if (!KEY.test(key) || key === '__proto__') fail(`invalid variable name "${key || body}"`);
    if (!m![2]) {
      if (body.slice(key.length).trim() !== '' && !body.slice(key.length).trim().startsWith('#')) fail(`expected "=" after "${key}"`);
      const v = lookup(key);
      if (v !== undefined) out[key] = v;
      i = eol + 1; line++; continue;
    }
    // body is a suffix of this line, so its offset in src is eol - body.length.
    const start = eol - body.length + m![0].length;
    const q = src[start];
    if (start < eol && (q === '"' || q === "'")) {
      let j = start + 1;
      let val = '';
      for (; j < src.length; j++) {
        const c = src[j]!;
        if (c === q) break;
        if (c === '\n') line++;
        if (q === '"' && c === '\\' && j + 1 < src.length) {
          const n = src[j + 1]!;
          if (n === '0') {
            const o = octalEscape(src, j + 2);
            val += o.text;
            j += 1 + o.len;
            continue;
          }
          val += ESCAPES[n] ?? `\\${n}`;
          j++;
          continue;
        }
        // In single quotes only the quote itself can be escaped.
        if (q === "'" && c === '\\' && src[j + 1] === "'") {
          val += "'";
          j++;
          continue;
        }
        val += q === "'" && c === '$' ? '$$' : c;
      }
      if (j >= src.length) fail(`unterminated quoted value for ${key}`, startLine);
      // Only a comment may follow the closing quote.
      let k = src.indexOf('\n', j);
      if (k < 0) k = src.length;
      const rest = src.slice(j + 1, k).trim();
      if (rest !== '' && !rest.startsWith('#')) fail(`unexpected text after the quoted value of ${key}`, line);
      out[key] = interp(val, startLine);
      i = k + 1;
      line++;
      continue;
    }
    let val = src.slice(start, eol);
    const hash = val.search(/\s#/);
    if (hash >= 0) val = val.slice(0, hash);
    out[key] = interp(val.trim(), startLine);
    i = eol + 1;
    line++;
  }
  return out;
}

/** The env_file formats docker compose knows: its own (`.env`, the default) and `raw` (docker run --env-file). */
export const ENV_FILE_FORMATS = ['', '.env', 'raw'];

/** An env file's text: strictly UTF-8 (a bad byte is a positioned error, not U+FFFD), BOM dropped. */
function decodeEnvFile(file: string, buf: Uint8Array): string {
  const at = firstInvalidUtf8(buf);
  if (at >= 0) throw new ComposeError(`invalid UTF-8 byte 0x${buf[at]!.toString(16).padStart(2, '0')} in env file`, bytePos(file, buf, at));
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** Reads an env file in `format` ('' or '.env': the .env syntax; 'raw': literal values). */
export function readDotenv(file: string, lookup?: Lookup, format = ''): Record<string, string> {
  if (!ENV_FILE_FORMATS.includes(format)) {
    throw new ComposeError(`unsupported env_file format "${format}" for ${file}: use "raw", or leave format out for the .env syntax`);
  }
  const buf = readInputFile(file, 'env file');
  const text = decodeEnvFile(file, buf);
  return format === 'raw' ? parseRawEnv(text, file, lookup) : parseDotenv(text, file, lookup);
}
