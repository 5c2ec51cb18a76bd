// The Dockerfile's line structure, as the reference describes it: parser
// directives at the top (`# escape=`, `# syntax=` accepted and ignored),
// comment lines (also inside a continued instruction), line continuations
// with the escape character, empty continuation lines skipped, and heredocs
// (`<<EOF`, `<<-EOF`, `<<"EOF"`) after RUN, COPY and ADD. Each instruction
// keeps the line and column where it starts so that every later error can
// name them. Nothing is substituted here: which words take variables is the
// business of each instruction (instructions.ts).
import { BerthError } from '../../errors.js';

interface Heredoc {
  name: string;
  /** The body, lines joined with "\n" and a final "\n" (as the reference keeps it). */
  content: string;
  /** A quoted delimiter (`<<"EOF"`) turns expansion off in the body. */
  expand: boolean;
  /** `<<-`: leading tabs stripped. */
  chomp: boolean;
}

export interface RawInstruction {
  /** Upper-case keyword. */
  keyword: string;
  /** The arguments after the keyword, continuations joined, comments removed. */
  args: string;
  heredocs: Heredoc[];
  line: number;
  col: number;
  /** Last line of the instruction (heredoc bodies included). */
  endLine: number;
  /** The instruction as written on its first line (for messages). */
  source: string;
}

export interface ParsedDockerfile {
  file: string;
  escape: string;
  instructions: RawInstruction[];
  /** `# syntax=` as given (ignored: berth has one builder). */
  syntax?: string;
}

export class DockerfileError extends BerthError {
  constructor(readonly file: string, readonly line: number, readonly col: number, message: string) {
    super(`${file}:${line}:${col}: ${message}`);
  }
}

const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;

/** Parser directives: only at the very top, before any blank line, comment or instruction. */
function readDirectives(lines: string[], file: string): { escape: string; syntax?: string; next: number } {
  let escape = '\\';
  let syntax: string | undefined;
  const seen = new Set<string>();
  let i = 0;
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!.trim());
    if (!m) break;
    const name = m[1]!.toLowerCase();
    if (seen.has(name)) throw new DockerfileError(file, i + 1, 1, `parser directive ${name} given twice`);
    seen.add(name);
    if (name === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`') throw new DockerfileError(file, i + 1, 1, `invalid escape token '${m[2]}': must be \` or \\`);
      escape = m[2]!;
    } else if (name === 'syntax') syntax = m[2];
    else if (name !== 'check') break; // an unknown directive is a comment, and ends the directives
  }
  return { escape, syntax, next: i };
}

/** `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` in an instruction's arguments, in order. */
function heredocMarkers(args: string): Array<{ name: string; expand: boolean; chomp: boolean }> {
  const out: Array<{ name: string; expand: boolean; chomp: boolean }> = [];
  const re = /<<(-?)(?:"([A-Za-z_][A-Za-z0-9_]*)"|'([A-Za-z_][A-Za-z0-9_]*)'|([A-Za-z_][A-Za-z0-9_]*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(args)) !== null) {
    // `<<<` (a here-string) and `x<<EOF` inside a word are not heredocs.
    const before = args[m.index - 1];
    if (before !== undefined && !/\s/.test(before)) continue;
    out.push({ name: m[2] ?? m[3] ?? m[4]!, expand: m[4] !== undefined, chomp: m[1] === '-' });
  }
  return out;
}

function endsWithEscape(line: string, escape: string): boolean {
  // As the reference: the escape character last on the line (trailing blanks ignored).
  return line.replace(/[ \t\r]+$/, '').endsWith(escape);
}

function stripEscape(line: string, escape: string): string {
  const t = line.replace(/[ \t\r]+$/, '');
  return t.slice(0, -escape.length);
}

const isComment = (l: string) => /^\s*#/.test(l);
const isBlank = (l: string) => /^\s*$/.test(l);

export function parseDockerfile(text: string, file = 'Dockerfile'): ParsedDockerfile {
  if (text.includes('\0')) throw new DockerfileError(file, 1, 1, 'the Dockerfile contains a NUL byte');
  const lines = text.replace(/^\uFEFF/, '').split('\n').map((l) => l.replace(/\r$/, ''));
  const { escape, syntax, next } = readDirectives(lines, file);
  const out: RawInstruction[] = [];
  let i = next;
  while (i < lines.length) {
    const first = lines[i]!;
    if (isBlank(first) || isComment(first)) { i++; continue; }
    const start = i;
    const col = first.length - first.trimStart().length + 1;
    let joined = '';
    let cur = first;
    for (;;) {
      if (endsWithEscape(cur, escape)) {
        joined += stripEscape(cur, escape);
        i++;
        // Comment and empty lines inside a continuation are dropped.
        while (i < lines.length && (isComment(lines[i]!) || isBlank(lines[i]!))) i++;
        if (i >= lines.length) break;
        cur = lines[i]!;
        continue;
      }
      joined += cur;
      i++;
      break;
    }
    const text = joined.trim();
    const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(text)!;
    const keyword = m[1]!.toUpperCase();
    const args = (m[2] ?? '').trim();
    const heredocs: Heredoc[] = [];
    if (HEREDOC_KEYWORDS.has(keyword) || (keyword === 'ONBUILD' && /^\s*(RUN|COPY|ADD)\b/i.test(args))) {
      for (const h of heredocMarkers(args)) {
        const body: string[] = [];
        let closed = false;
        while (i < lines.length) {
          const l = lines[i++]!;
          const cmp = h.chomp ? l.replace(/^\t+/, '') : l;
          if (cmp === h.name) { closed = true; break; }
          body.push(cmp);
        }
        if (!closed) throw new DockerfileError(file, start + 1, col, `unterminated heredoc <<${h.name}: no line "${h.name}" follows`);
        heredocs.push({ ...h, content: body.length ? body.join('\n') + '\n' : '' });
      }
    }
    out.push({ keyword, args, heredocs, line: start + 1, col, endLine: i, source: first.trim() });
  }
  return { file, escape, instructions: out, syntax };
}
