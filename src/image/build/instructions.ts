// Instructions from raw lines: the keyword checked, the leading `--flag`s
// split off and checked against what each instruction takes, and the JSON
// (exec) form told from the shell form. Substitution waits for the builder,
// which knows the variables in effect at each step.
import { DockerfileError, type ParsedDockerfile, type RawInstruction } from './dockerfile-parse.js';

const KEYWORDS = [
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR',
  'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
] as const;
type Keyword = typeof KEYWORDS[number];

const FLAGS: Partial<Record<Keyword, string[]>> = {
  FROM: ['platform'],
  RUN: ['mount', 'network', 'security'],
  COPY: ['from', 'chown', 'chmod', 'link', 'parents', 'exclude'],
  ADD: ['chown', 'chmod', 'link', 'checksum', 'keep-git-dir', 'exclude'],
  HEALTHCHECK: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};
const REPEATABLE = new Set(['mount', 'exclude']);

export interface Instruction {
  keyword: Keyword;
  raw: RawInstruction;
  /** `--name=value` flags (a bare `--link` is "true"). */
  flags: Record<string, string[]>;
  /** The arguments after the flags. */
  args: string;
  /** The JSON array form, when the arguments are one. */
  json?: string[];
  /** The text recorded in history (created_by) and in the cache key. */
  text: string;
}

/** ["a", "b"] → the strings; anything else → undefined (then it is the shell form). */
export function jsonArray(s: string): string[] | undefined {
  const t = s.trim();
  if (!t.startsWith('[')) return undefined;
  let v: unknown;
  try { v = JSON.parse(t); } catch { return undefined; }
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

function fail(file: string, r: RawInstruction, msg: string): never {
  throw new DockerfileError(file, r.line, r.col, msg);
}

function splitFlags(file: string, r: RawInstruction, kw: Keyword): { flags: Record<string, string[]>; rest: string } {
  const allowed = FLAGS[kw] ?? [];
  const flags: Record<string, string[]> = {};
  let rest = r.args;
  for (;;) {
    const m = /^--([a-z][a-z0-9-]*)(?:=("(?:[^"\\]|\\.)*"|\S*))?(?:\s+|$)/.exec(rest);
    if (!m) break;
    const name = m[1]!;
    if (!allowed.includes(name)) fail(file, r, `${kw}: unknown flag --${name}${allowed.length ? ` (${kw} takes ${allowed.map((f) => `--${f}`).join(', ')})` : ''}`);
    let value = m[2] ?? 'true';
    if (value.startsWith('"')) value = JSON.parse(value) as string;
    if (flags[name] && !REPEATABLE.has(name)) fail(file, r, `${kw}: flag --${name} given twice`);
    (flags[name] ??= []).push(value);
    rest = rest.slice(m[0].length);
  }
  return { flags, rest: rest.trim() };
}

export function toInstruction(file: string, r: RawInstruction): Instruction {
  const kw = r.keyword as Keyword;
  if (!(KEYWORDS as readonly string[]).includes(kw)) fail(file, r, `unknown instruction: ${r.source.split(/\s/)[0]}`);
  const { flags, rest } = splitFlags(file, r, kw);
  const json = ['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'COPY', 'ADD', 'VOLUME'].includes(kw) ? jsonArray(rest) : undefined;
  if (kw === 'SHELL' && !json) fail(file, r, 'SHELL requires the arguments to be in JSON form, e.g. SHELL ["/bin/sh", "-c"]');
  if (kw !== 'ONBUILD' && kw !== 'HEALTHCHECK' && !['CMD', 'ENTRYPOINT', 'RUN'].includes(kw) && rest === '') fail(file, r, `${kw} requires at least one argument`);
  if (kw === 'RUN' && rest === '' && !r.heredocs.length) fail(file, r, 'RUN requires at least one argument');
  return { keyword: kw, raw: r, flags, args: rest, json, text: `${kw} ${r.args}`.trim() };
}

export function toInstructions(df: ParsedDockerfile): Instruction[] {
  return df.instructions.map((r) => toInstruction(df.file, r));
}
