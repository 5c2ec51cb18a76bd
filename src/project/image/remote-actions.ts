// pull, push, login and logout.
import { config } from '../../config.js';
import { BerthError, UsageError } from '../../errors.js';
import { parsePlatform } from '../../image/platform.js';
import { familiarName, formatReference, parseReference } from '../../image/reference.js';
import { RegistryClient } from '../../image/registry/client.js';
import { removeCredentials, storeCredentials } from '../../image/registry/credentials.js';
import { pullImage } from '../../image/registry/pull.js';
import { pushImage } from '../../image/registry/push.js';
import type { ProgressEvent } from '../../image/registry/pull.js';
import { storeFor } from './local-actions.js';
import { registryAccess } from '../registry-access.js';

export type { ProgressEvent } from '../../image/registry/pull.js';

/** Where pull and push progress goes; `end` redraws or flushes what is pending. */
export type ProgressSink = ((e: ProgressEvent) => void) & { end: () => void };

export async function pullCommand(root: string | undefined, ref: string, o: { platform?: string; quiet?: boolean }, progress: ProgressSink): Promise<void> {
  const store = storeFor(root);
  const r = parseReference(ref);
  try {
    const img = await pullImage(store, ref, { ...registryAccess(config()), platform: o.platform ? parsePlatform(o.platform) : undefined, onProgress: progress });
    progress.end();
    if (o.quiet) { process.stdout.write(`${formatReference(r)}\n`); return; }
    process.stdout.write(`Digest: ${img.manifestDigest}\nStatus: Downloaded image for ${familiarName(formatReference(r))}\n${formatReference(r)}\n`);
  } finally {
    progress.end();
  }
}

export async function pushCommand(root: string | undefined, ref: string, progress: ProgressSink): Promise<void> {
  const store = storeFor(root);
  try {
    const r = await pushImage(store, ref, { ...registryAccess(config()), onProgress: progress });
    progress.end();
    const p = parseReference(ref);
    process.stdout.write(`${p.tag ?? 'latest'}: digest: ${r.digest} size: ${r.size}\n`);
  } finally {
    progress.end();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** The registry host a login/logout argument names (docker.io when omitted). */
function serverDomain(server?: string): string {
  if (!server) return 'docker.io';
  const s = server.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return s === 'index.docker.io' || s === 'registry-1.docker.io' ? 'docker.io' : s;
}

export async function loginCommand(server: string | undefined, o: { username?: string; password?: string; passwordStdin?: boolean }): Promise<void> {
  const domain = serverDomain(server);
  if (!o.username) throw new UsageError('login: --username is required (berth does not prompt)');
  let password = o.password;
  if (o.passwordStdin) {
    if (password) throw new UsageError('login: --password and --password-stdin are mutually exclusive');
    password = await readStdin();
  }
  if (!password) throw new UsageError('login: give --password or --password-stdin');
  const creds = { username: o.username, password };
  await new RegistryClient(domain, 'library/ping', { ...registryAccess(config()), credentials: creds }).ping();
  const path = storeCredentials(domain, creds);
  process.stdout.write(`Login Succeeded (credentials saved in ${path})\n`);
}

export function logoutCommand(server: string | undefined): void {
  const domain = serverDomain(server);
  if (!removeCredentials(domain)) throw new BerthError(`not logged in to ${domain}`);
  process.stdout.write(`Removing login credentials for ${domain}\n`);
}
