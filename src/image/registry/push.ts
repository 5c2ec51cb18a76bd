// Pushes an image: each blob is skipped when the registry has it, mounted
// from another repository of the same registry when we know one, or
// uploaded (POST then PUT with the digest); the manifest goes last, byte for
// byte as stored, so its digest does not change.
import { hex } from '../digest.js';
import { mapLimit, NoSuchImageError, type ImageStore } from '../image-store.js';
import type { Descriptor, Manifest } from '../media-types.js';
import { parseReference, repoName, splitRefKey } from '../reference.js';
import { RegistryClient, RegistryError, type ClientOptions } from './client.js';
import type { ProgressEvent } from './pull.js';

export interface PushOptions extends ClientOptions {
  onProgress?: (e: ProgressEvent) => void;
  concurrency?: number;
}

async function blobExists(client: RegistryClient, digest: string): Promise<boolean> {
  const res = await client.request(`/v2/${client.repo}/blobs/${digest}`, { method: 'HEAD', push: true });
  await res.body?.cancel();
  if (res.status === 404) return false;
  if (!res.ok) throw new RegistryError(`checking blob ${digest} in ${client.repo}: HTTP ${res.status}`, res.status);
  return true;
}

async function tryMount(client: RegistryClient, digest: string, from: string): Promise<boolean> {
  const res = await client.request(`/v2/${client.repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`, { method: 'POST', push: true });
  await res.body?.cancel();
  return res.status === 201;
}

async function upload(store: ImageStore, client: RegistryClient, d: Descriptor): Promise<void> {
  const start = await client.request(`/v2/${client.repo}/blobs/uploads/`, { method: 'POST', push: true, headers: { 'content-length': '0' } });
  if (start.status !== 202) throw await client.error(start, `starting upload of ${d.digest} to ${client.repo}`);
  await start.body?.cancel();
  const location = start.headers.get('location');
  if (!location) throw new RegistryError(`registry ${client.domain} gave no upload location`);
  const url = new URL(location, client.base);
  url.searchParams.set('digest', d.digest);
  const size = store.blobs.size(d.digest);
  const body = () => store.blobs.stream(d.digest) as unknown as RequestInit['body'];
  const res = await client.request(url.toString(), {
    method: 'PUT', push: true, body: body(),
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
  }, body);
  if (res.status !== 201) throw await client.error(res, `uploading ${d.digest} to ${client.repo}`);
  await res.body?.cancel();
}

export async function pushImage(store: ImageStore, ref: string, opts: PushOptions): Promise<{ digest: string; size: number }> {
  const r = parseReference(ref);
  const id = store.lookup(ref);
  if (!id) throw new NoSuchImageError(ref);
  const rec = store.record(id);
  const client = new RegistryClient(r.domain, r.path, opts);
  const manifestBytes = store.blobs.read(rec.manifestDigest);
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
  // Repositories on the same registry that already hold this image: mount sources.
  const sources = store.records.refsOf(id).map((k) => splitRefKey(k).name).filter((n) => n.startsWith(`${r.domain}/`) && n !== repoName(r)).map((n) => n.slice(r.domain.length + 1));
  const blobs = [...manifest.layers, manifest.config];
  await mapLimit(blobs, opts.concurrency ?? 3, async (d) => {
    const short = hex(d.digest).slice(0, 12);
    if (await blobExists(client, d.digest)) { opts.onProgress?.({ id: short, status: 'exists', total: d.size }); return; }
    for (const from of sources) {
      if (await tryMount(client, d.digest, from)) { opts.onProgress?.({ id: short, status: 'mounted', total: d.size }); return; }
    }
    opts.onProgress?.({ id: short, status: 'pushing', total: d.size });
    await upload(store, client, d);
    opts.onProgress?.({ id: short, status: 'pushed', current: d.size, total: d.size });
  });
  const tag = r.digest ?? r.tag ?? 'latest';
  const res = await client.request(`/v2/${client.repo}/manifests/${tag}`, {
    method: 'PUT', push: true, body: manifestBytes,
    headers: { 'content-type': rec.manifestMediaType },
  });
  if (res.status !== 201) throw await client.error(res, `pushing manifest ${repoName(r)}:${tag}`);
  await res.body?.cancel();
  await store.lock(() => {
    const refs = store.records.refs();
    refs[`${repoName(r)}@${rec.manifestDigest}`] = id;
    store.records.saveRefs(refs);
  });
  return { digest: rec.manifestDigest, size: manifestBytes.length };
}
