// Errors in a Compose project. Every one is printed by the CLI as a single
// line "file:line:col: path: message" (exit code 1), never with a stack.
import { BerthError } from '../errors.js';
import { relative, isAbsolute } from 'node:path';

/** A position in a source file (1-based line and column). */
export interface Pos {
  file: string;
  line: number;
  col: number;
}

export class ComposeError extends BerthError {
  readonly pos?: Pos;
  readonly path?: string;
  readonly detail: string;
  constructor(detail: string, pos?: Pos, path?: string) {
    super(formatMessage(detail, pos, path), 1);
    this.name = 'ComposeError';
    this.pos = pos;
    this.path = path;
    this.detail = detail;
  }
}

/** Files under the current directory are shown relative to it, others as absolute paths. */
function displayFile(file: string): string {
  if (file === '-' || !isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

function formatMessage(detail: string, pos?: Pos, path?: string): string {
  const where = pos ? `${displayFile(pos.file)}:${pos.line}:${pos.col}: ` : '';
  const what = path ? `${path.length > MAX_QUOTED * 2 ? `${path.slice(0, MAX_QUOTED * 2)}…` : path}: ` : '';
  return `${where}${what}${shorten(oneLine(detail))}`;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** Quoted values past this many characters are cut in messages: a hostile file must not make a megabyte-long error line. */
const MAX_QUOTED = 120;

function shorten(s: string): string {
  if (s.length <= MAX_QUOTED * 2) return s;
  return s.replace(/"([^"]*)"/g, (m, inner: string) => (inner.length > MAX_QUOTED ? `"${inner.slice(0, MAX_QUOTED)}…" (${inner.length} characters)` : m));
}

/** Formats a path array as services.web.ports[0]. */
export function pathString(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out;
}
