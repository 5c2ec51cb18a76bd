// Which host paths a watch rule leaves alone: its `ignore` patterns with
// .dockerignore semantics (relative to the rule's path; `*.log` matches at
// the top only, `**/*.log` anywhere, `!x` re-includes, a matched directory
// takes everything below it), `.git` directories, and the temporary files
// editors write while saving (so a save by rename is seen as one change of
// the real file, not a stream of swap files).
import { relative, sep } from 'node:path';
import { IgnoreMatcher } from '../image/build/pattern.js';

// Vim (4913, *~, .*.swp, .*.swx), Emacs (.#*, #*#), JetBrains (*___jb_tmp___, *___jb_old___), Kate, macOS.
const EPHEMERAL = [/^4913$/, /~$/, /^\..*\.sw[px]$/, /^\.#/, /^#.*#$/, /___jb_(tmp|old)___$/, /\.kate-swp$/, /^\.DS_Store$/];

export interface PathMatcher {
  /** True when `host` (absolute, at or below the base) matches. */
  matches(host: string): boolean;
}

/** The path of `host` relative to `base` with forward slashes; '' for the base itself; undefined outside it. */
export function relativeTo(base: string, host: string): string | undefined {
  if (host === base) return '';
  const rel = relative(base, host);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || rel.startsWith(sep)) return undefined;
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** A matcher for .dockerignore patterns relative to `base` (never matches `base` itself). */
export function patternMatcher(base: string, patterns: string[]): PathMatcher {
  // The builder's .dockerignore reader: one reading of those rules for builds and watches.
  const ig = new IgnoreMatcher(patterns.join('\n'));
  return {
    matches(host) {
      const rel = relativeTo(base, host);
      return rel !== undefined && rel !== '' && ig.ignored(rel);
    },
  };
}

/** Editor temporaries and `.git` directories, at any depth. */
export function isEphemeral(rel: string): boolean {
  const parts = rel.split('/');
  if (parts.includes('.git')) return true;
  const name = parts[parts.length - 1]!;
  return EPHEMERAL.some((re) => re.test(name));
}
