// Checks on a Compose file's raw bytes and text before YAML parsing: hostile
// or broken input gets one clear, positioned error instead of a silent
// replacement character, a hang or an exhausted heap.
import { ComposeError } from './errors.js';
import { SourceFile } from './loc.js';

/** Larger files are refused: no real project comes near, and parsing one would take the heap. */
export const MAX_COMPOSE_BYTES = 32 * 1024 * 1024;

/**
 * Most nodes a file may expand to once aliases are followed: a 10,000-service
 * project stays below. An alias bomb ("billion laughs") is measured before
 * anything is built (each node's expanded size is computed once) and refused.
 */
export const MAX_YAML_NODES = 1_000_000;

/** Deepest nesting of mappings and sequences a file may have (real files stay below 10). */
export const MAX_YAML_DEPTH = 200;

// YAML's printable set excludes C0 controls but tab/LF/CR, DEL, the C1 block
// but NEL, and U+FFFE/U+FFFF; docker compose refuses them too.
const FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]/;

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    let n = 0;
    let min = 0;
    if (b < 0x80) { i++; continue; }
    if (b >= 0xc2 && b <= 0xdf) { n = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { n = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { n = 3; min = 0x10000; }
    else return i;
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

export function bytePos(path: string, buf: Uint8Array, offset: number) {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) if (buf[i] === 10) { line++; start = i + 1; }
  return { file: path, line, col: offset - start + 1 };
}

/** The text of a Compose file's bytes: size-checked and strictly UTF-8. */
export function decodeCompose(path: string, buf: Uint8Array): string {
  if (buf.length > MAX_COMPOSE_BYTES) {
    throw new ComposeError(`compose file is too large (${buf.length} bytes; the limit is ${MAX_COMPOSE_BYTES})`, { file: path, line: 1, col: 1 });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    const at = firstInvalidUtf8(buf);
    throw new ComposeError(`invalid YAML: invalid UTF-8 byte 0x${(buf[at] ?? 0).toString(16).padStart(2, '0')}`, bytePos(path, buf, Math.max(at, 0)));
  }
}

/** Refuses characters YAML does not allow in a stream (NUL and other control characters). */
export function checkText(path: string, text: string): void {
  if (text.length > MAX_COMPOSE_BYTES) {
    throw new ComposeError(`compose file is too large (${text.length} characters; the limit is ${MAX_COMPOSE_BYTES})`, { file: path, line: 1, col: 1 });
  }
  const m = FORBIDDEN.exec(text);
  if (!m) return;
  const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  throw new ComposeError(`invalid YAML: control character U+${code} is not allowed`, new SourceFile(path, text).pos(m.index));
}
