// Test helpers for the Compose model: a temporary project from a map of
// files, loading it through the public API, and running the CLI on it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { after } from 'node:test';
import { berthBin, tempDir } from '../../helpers/env.js';
import { loadProjectSync } from '../../../src/compose/project.js';
import type { LoadOptions, Project } from '../../../src/compose/model.js';

/** Writes `files` (path → text) under a fresh directory named `name`; removed after the test file. */
export function project(files: Record<string, string>, name = 'proj'): string {
  const t = tempDir('berth-compose-');
  after(t.cleanup);
  const dir = join(t.path, name);
  mkdirSync(dir, { recursive: true });
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

/** Loads the project in `dir` with a clean environment (plus `env`). */
export function load(dir: string, opts: LoadOptions = {}, env: Record<string, string> = {}): Project {
  return loadProjectSync({ workingDir: dir, env: { HOME: '/home/test', ...env }, ...opts });
}

/** Loads a single compose.yaml given as text. */
export function loadText(text: string, opts: LoadOptions = {}, env: Record<string, string> = {}): Project {
  return load(project({ 'compose.yaml': text }), opts, env);
}

/** The error message of loading `text`, or '' when it loads. */
export function errorOf(text: string, opts: LoadOptions = {}, env: Record<string, string> = {}): string {
  const dir = project({ 'compose.yaml': text });
  try {
    load(dir, opts, env);
    return '';
  } catch (e) {
    return (e as Error).message.split(`${dir}/`).join('');
  }
}

export function berth(args: string[], cwd: string, env: Record<string, string> = {}, input?: string) {
  return spawnSync(process.execPath, [berthBin, ...args], {
    cwd, encoding: 'utf8', input,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/home/test', ...env },
  });
}
