// Finding the Compose files and naming the project, as docker compose does.
import { statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ComposeError } from './errors.js';

const CANDIDATES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDES: Record<string, string[]> = {
  'compose.yaml': ['compose.override.yaml', 'compose.override.yml'],
  'compose.yml': ['compose.override.yml', 'compose.override.yaml'],
  'docker-compose.yaml': ['docker-compose.override.yaml', 'docker-compose.override.yml'],
  'docker-compose.yml': ['docker-compose.override.yml', 'docker-compose.override.yaml'],
};

function isFile(p: string): boolean {
  try { return statSync(p).isFile(); } catch { return false; }
}

/** The first directory from `dir` up to / holding a Compose file: [file, override?]. */
export function discoverFiles(dir: string): string[] {
  let cur = resolve(dir);
  for (;;) {
    for (const name of CANDIDATES) {
      const f = join(cur, name);
      if (isFile(f)) {
        const out = [f];
        const o = OVERRIDES[name]!.map((n) => join(cur, n)).find(isFile);
        if (o) out.push(o);
        return out;
      }
    }
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  throw new ComposeError(`no compose file found in ${resolve(dir)} or its parents (looked for ${CANDIDATES.join(', ')})`);
}

/** docker compose's rule: lower-case, keep only [a-z0-9_-], must start with a letter or digit. */
export function normalizeProjectName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_-]+/g, '').replace(/^[_-]+/, '');
}

function isValidProjectName(s: string): boolean {
  return /^[a-z0-9][a-z0-9_-]*$/.test(s);
}

/** Checks an explicitly given name (-p, COMPOSE_PROJECT_NAME, `name:`). */
export function checkProjectName(s: string, from: string): string {
  if (!isValidProjectName(s)) {
    throw new ComposeError(`invalid project name "${s}" (from ${from}): it must contain only lower-case letters, digits, "_" and "-", and start with a letter or digit`);
  }
  return s;
}

/** Name from a directory: normalized basename; an error when nothing usable is left. */
export function projectNameFromDir(dir: string): string {
  const n = normalizeProjectName(basename(resolve(dir)));
  if (!n) throw new ComposeError(`cannot derive a project name from directory "${dir}": use -p or a top-level name:`);
  return n;
}
