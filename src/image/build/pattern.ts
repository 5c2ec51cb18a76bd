// Path patterns as docker reads them: Go's filepath.Match (`*` and `?` stay
// within one path component, `[a-z]` and `[^a-z]` classes, `\` escapes) plus
// `**` for any number of components (.dockerignore). And .dockerignore
// itself: one pattern a line, `#` comments, `!` exceptions, the last
// matching line wins, and a pattern that matches a directory matches
// everything under it.
import { posix } from 'node:path';

function classToRegex(p: string, i: number): { re: string; next: number } | undefined {
  let j = i + 1;
  let re = '[';
  if (p[j] === '^' || p[j] === '!') { re += '^'; j++; }
  let first = true;
  for (; j < p.length; j++) {
    const c = p[j]!;
    if (c === ']' && !first) return { re: `${re}]`, next: j + 1 };
    first = false;
    if (c === '\\' && j + 1 < p.length) { re += `\\${p[++j]}`; continue; }
    re += c === '/' ? '' : /[\]\\^]/.test(c) ? `\\${c}` : c;
  }
  return undefined;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A pattern (`**` allowed) as an anchored regular expression over a slash path. */
export function patternRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` anything.
        i++;
        if (pattern[i + 1] === '/') { i++; re += '(?:.*/)?'; } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const cls = classToRegex(pattern, i);
      if (!cls) { re += '\\['; continue; }
      re += cls.re;
      i = cls.next - 1;
    } else if (c === '\\' && i + 1 < pattern.length) re += escapeRegex(pattern[++i]!);
    else re += escapeRegex(c);
  }
  return new RegExp(`^${re}$`);
}

export function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

/** Lexical clean of a context-relative path ("" for the root); undefined when it climbs above the root. */
export function cleanRelative(p: string): string | undefined {
  const parts: string[] = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(c);
  }
  return parts.join('/');
}

interface IgnoreRule { re: RegExp; exclude: boolean; dirs: string[] }

export class IgnoreMatcher {
  private readonly rules: IgnoreRule[];
  constructor(text = '') {
    this.rules = [];
    for (let line of text.split('\n')) {
      line = line.trim();
      if (!line || line.startsWith('#')) continue;
      const exclude = line.startsWith('!');
      if (exclude) line = line.slice(1).trim();
      const clean = posix.normalize(line.replace(/^\/+/, '')).replace(/\/+$/, '');
      if (!clean || clean === '.') continue;
      // The literal leading directories of an exception: walking must enter them.
      const dirs: string[] = [];
      const comps = clean.split('/');
      for (let i = 1; i < comps.length && !hasGlob(comps[i - 1]!); i++) dirs.push(comps.slice(0, i).join('/'));
      this.rules.push({ re: patternRegex(clean), exclude, dirs });
    }
  }

  get empty(): boolean { return this.rules.length === 0; }

  /** True when `rel` (slash path, relative to the context) is kept out. */
  ignored(rel: string): boolean {
    let out = false;
    const parents: string[] = [];
    const comps = rel.split('/');
    for (let i = 1; i <= comps.length; i++) parents.push(comps.slice(0, i).join('/'));
    for (const r of this.rules) {
      if (parents.some((p) => r.re.test(p))) out = !r.exclude;
    }
    return out;
  }

  /** An ignored directory must still be walked when an exception may match below it. */
  mayHaveExceptions(dir: string): boolean {
    return this.rules.some((r) => r.exclude && (r.dirs.length === 0 || r.dirs.some((d) => d === dir || d.startsWith(dir + '/') || dir.startsWith(d + '/'))));
  }
}
