// Registry credentials in Docker's config.json ($DOCKER_CONFIG/config.json or
// ~/.docker/config.json): "auths": { "<server>": { "auth": base64(user:pass) } }.
// Other keys of the file are kept as they are when we write it.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { BerthError } from '../../errors.js';
import { readJson, writeFileAtomic } from '../../state/atomic.js';
import { DEFAULT_DOMAIN } from '../reference.js';

export interface Credentials {
  username: string;
  password: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  [k: string]: unknown;
}

const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
}

/** The key under "auths" for a registry host (Docker Hub has a legacy URL key). */
export function serverKey(domain: string): string {
  return domain === DEFAULT_DOMAIN ? DOCKER_HUB_KEY : domain;
}

function readConfig(path: string): DockerConfig {
  try {
    return readJson<DockerConfig>(path) ?? {};
  } catch {
    throw new BerthError(`${path}: not valid JSON`);
  }
}

function stripScheme(k: string): string {
  return k.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

export function getCredentials(domain: string, env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const auths = readConfig(dockerConfigPath(env)).auths ?? {};
  const wanted = serverKey(domain);
  const entry = auths[wanted] ?? Object.entries(auths).find(([k]) => stripScheme(k) === stripScheme(wanted) || (domain === DEFAULT_DOMAIN && stripScheme(k) === 'index.docker.io'))?.[1];
  if (!entry) return undefined;
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  if (!entry.auth) return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new BerthError(`${dockerConfigPath(env)}: malformed auth for ${wanted}`);
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function storeCredentials(domain: string, creds: Credentials, env: NodeJS.ProcessEnv = process.env): string {
  const path = dockerConfigPath(env);
  const cfg = readConfig(path);
  cfg.auths = { ...(cfg.auths ?? {}), [serverKey(domain)]: { auth: Buffer.from(`${creds.username}:${creds.password}`).toString('base64') } };
  // As docker login: a new ~/.docker is the user's alone (it holds passwords); an existing one is left as it is.
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileAtomic(path, JSON.stringify(cfg, null, '\t') + '\n', 0o600);
  return path;
}

/** Returns false when there were no credentials for the server. */
export function removeCredentials(domain: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const path = dockerConfigPath(env);
  const cfg = readConfig(path);
  const key = serverKey(domain);
  const keys = Object.keys(cfg.auths ?? {}).filter((k) => k === key || stripScheme(k) === stripScheme(key));
  if (keys.length === 0) return false;
  for (const k of keys) delete cfg.auths![k];
  writeFileAtomic(path, JSON.stringify(cfg, null, '\t') + '\n', 0o600);
  return true;
}
