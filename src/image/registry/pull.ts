// Pulls an image: manifest (choosing the platform from an index), config and
// layer blobs (in parallel, each verified, resumed with a Range request when
// an earlier attempt left a partial file), then unpacks into the store.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { BerthError } from '../../errors.js';
import { chainIds, checkDigest, hex, sha256 } from '../digest.js';
import { mapLimit, type ImageStore, type ResolvedImage } from '../image-store.js';
import { INDEX_TYPES, MANIFEST_TYPES, isIndexType, type Descriptor, type ImageConfig, type ImageIndex, type Platform, validateManifest } from '../media-types.js';
import { selectManifest } from '../platform.js';
import { formatReference, parseReference, repoName, type Reference } from '../reference.js';
import { pidAlive } from '../../state/pid.js';
import { RegistryClient, RegistryError, type ClientOptions } from './client.js';

export interface ProgressEvent {
  id: string;              // short digest of the blob, or the reference
  status: 'resolving' | 'waiting' | 'exists' | 'downloading' | 'downloaded' | 'extracting' | 'done' | 'pushing' | 'pushed' | 'mounted';
  current?: number;
  total?: number;
}

export interface PullOptions extends ClientOptions {
  platform?: Platform;
  onProgress?: (e: ProgressEvent) => void;
  concurrency?: number;
}

const ACCEPT = [...MANIFEST_TYPES, ...INDEX_TYPES].join(', ');
const MAX_MANIFEST = 4 << 20;

async function fetchManifest(client: RegistryClient, ref: string): Promise<{ bytes: Buffer; mediaType: string; digest: string }> {
  const res = await client.request(`/v2/${client.repo}/manifests/${ref}`, { headers: { accept: ACCEPT } });
  if (res.status === 404) {
    await res.body?.cancel();
    throw new RegistryError(`manifest unknown: ${client.domain}/${client.repo}:${ref} was not found in the registry`, 404);
  }
  if (!res.ok) throw await client.error(res, `fetching manifest ${client.repo}:${ref}`);
  const len = Number(res.headers.get('content-length') ?? 0);
  if (len > MAX_MANIFEST) throw new RegistryError(`manifest of ${client.repo}:${ref} is too large (${len} bytes)`);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > MAX_MANIFEST) throw new RegistryError(`manifest of ${client.repo}:${ref} is too large`);
  const digest = sha256(bytes);
  if (ref.startsWith('sha256:') && ref !== digest) throw new BerthError(`digest mismatch for manifest ${ref}: content is ${digest}`);
  let parsed: { mediaType?: string };
  try { parsed = JSON.parse(bytes.toString('utf8')); } catch { throw new BerthError(`manifest ${client.repo}:${ref} is not valid JSON`); }
  const mediaType = parsed.mediaType ?? (res.headers.get('content-type') ?? '').split(';')[0].trim();
  return { bytes, mediaType, digest };
}

/** Downloads one blob into the store unless it is there; resumes a dead attempt's partial file. */
async function fetchBlob(store: ImageStore, client: RegistryClient, d: Descriptor, onProgress?: (e: ProgressEvent) => void): Promise<void> {
  const digest = checkDigest(d.digest, 'blob digest');
  const id = hex(digest).slice(0, 12);
  if (store.blobs.has(digest)) { onProgress?.({ id, status: 'exists', total: d.size }); return; }
  const partial = join(store.blobs.tmpDir, `${process.pid}-partial-${hex(digest)}`);
  claimPartial(store.blobs.tmpDir, hex(digest), partial);
  let have = existsSync(partial) ? statSync(partial).size : 0;
  if (have >= d.size) have = 0;
  const headers: Record<string, string> = have > 0 ? { range: `bytes=${have}-` } : {};
  const res = await client.request(`/v2/${client.repo}/blobs/${digest}`, { headers });
  if (res.status === 404) { await res.body?.cancel(); throw new RegistryError(`blob ${digest} of ${client.repo} is unknown to the registry`, 404); }
  if (!res.ok) throw await client.error(res, `fetching blob ${digest}`);
  const resumed = res.status === 206 && have > 0;
  if (!resumed) rmSync(partial, { force: true });
  let current = resumed ? have : 0;
  onProgress?.({ id, status: 'downloading', current, total: d.size });
  let last = 0;
  const body = Readable.fromWeb(res.body as ReadableStream<Uint8Array>);
  await store.blobs.writeStream(body, {
    expected: digest, expectedSize: d.size, what: `blob ${digest}`,
    partial,
    onBytes: (n) => {
      current += n;
      const now = Date.now();
      if (now - last > 200) { last = now; onProgress?.({ id, status: 'downloading', current, total: d.size }); }
    },
  });
  onProgress?.({ id, status: 'downloaded', current: d.size, total: d.size });
}

/** Takes over a partial download left by a process that died. */
function claimPartial(tmpDir: string, blobHex: string, mine: string): void {
  if (existsSync(mine)) return;
  for (const n of readdirSync(tmpDir)) {
    const m = /^(\d+)-partial-([a-f0-9]{64})$/.exec(n);
    if (!m || m[2] !== blobHex || pidAlive(Number(m[1]))) continue;
    try { renameSync(join(tmpDir, n), mine); return; } catch { /* another process took it */ }
  }
}

async function resolveManifest(client: RegistryClient, r: Reference, platform?: Platform): Promise<{ bytes: Buffer; mediaType: string; digest: string }> {
  let m = await fetchManifest(client, r.digest ?? r.tag ?? 'latest');
  if (isIndexType(m.mediaType) || (!m.mediaType && Array.isArray((JSON.parse(m.bytes.toString()) as ImageIndex).manifests))) {
    const chosen = selectManifest(JSON.parse(m.bytes.toString()) as ImageIndex, platform);
    m = await fetchManifest(client, checkDigest(chosen.digest));
  }
  if (!MANIFEST_TYPES.includes(m.mediaType)) throw new BerthError(`unsupported manifest type "${m.mediaType}" for ${formatReference(r)}`);
  return m;
}

export async function pullImage(store: ImageStore, ref: string, opts: PullOptions): Promise<ResolvedImage> {
  const r = parseReference(ref);
  const client = new RegistryClient(r.domain, r.path, opts);
  opts.onProgress?.({ id: formatReference(r), status: 'resolving' });
  const m = await resolveManifest(client, r, opts.platform);
  const manifest = validateManifest(JSON.parse(m.bytes.toString('utf8')), `manifest ${m.digest}`);
  const blobs = [manifest.config, ...manifest.layers];
  const guard = store.protect([m.digest, ...blobs.map((b) => b.digest)]);
  try {
    store.blobs.writeBytes(m.bytes, m.digest, 'manifest');
    for (const l of manifest.layers) opts.onProgress?.({ id: hex(checkDigest(l.digest)).slice(0, 12), status: 'waiting', total: l.size });
    await fetchBlob(store, client, manifest.config);
    // Each layer is unpacked as soon as it is downloaded (layers unpack
    // independently), so the network and the disk work overlap.
    const diffIds = store.blobs.readJson<ImageConfig>(manifest.config.digest).rootfs?.diff_ids;
    const chains = Array.isArray(diffIds) && diffIds.length === manifest.layers.length ? chainIds(diffIds.map((d) => checkDigest(d, 'diff ID'))) : undefined;
    if (chains) guard.add(chains);
    await mapLimit(manifest.layers, opts.concurrency ?? 3, async (l, i) => {
      await fetchBlob(store, client, l, opts.onProgress);
      if (!chains) return;
      opts.onProgress?.({ id: hex(l.digest).slice(0, 12), status: 'extracting' });
      await store.layers.ensure(chains[i], chains[i - 1], diffIds![i], store.blobs.path(l.digest), { what: `layer ${l.digest}` });
    });
    const img = await store.commit(m.digest, {
      names: r.tag ? [`${repoName(r)}:${r.tag}`] : [],
      repoDigests: [`${repoName(r)}@${m.digest}`],
      manifestMediaType: m.mediaType,
    });
    await store.recordPull([...(r.tag ? [`${repoName(r)}:${r.tag}`] : []), `${repoName(r)}@${m.digest}`]);
    for (const l of manifest.layers) opts.onProgress?.({ id: hex(l.digest).slice(0, 12), status: 'done' });
    opts.onProgress?.({ id: formatReference(r), status: 'done' });
    return img;
  } finally {
    guard.release();
  }
}
