// A registry's repository list (GET /v2/_catalog, OCI Distribution's
// catalog extension that docker-registry serves), following `Link: <…>;
// rel="next"` pages to the end.
import { RegistryClient, RegistryError, type ClientOptions } from './client.js';

/** At most this many pages: a registry that keeps sending `next` cannot keep us forever. */
const MAX_PAGES = 1000;

export async function listCatalog(domain: string, opts: ClientOptions): Promise<string[]> {
  const client = new RegistryClient(domain, '', opts);
  const repos: string[] = [];
  let path: string | undefined = '/v2/_catalog?n=1000';
  for (let page = 0; path && page < MAX_PAGES; page++) {
    const res = await client.request(path, { scope: 'registry:catalog:*' });
    if (res.status === 404) { await res.body?.cancel(); throw new RegistryError(`registry ${domain} has no catalog (/v2/_catalog answered 404)`, 404); }
    if (!res.ok) throw await client.error(res, `catalog of ${domain}`);
    const body = (await res.json()) as { repositories?: unknown };
    if (!Array.isArray(body.repositories) || !body.repositories.every((r) => typeof r === 'string')) {
      throw new RegistryError(`registry ${domain} sent a catalog without a list of repositories`);
    }
    repos.push(...(body.repositories as string[]));
    const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(res.headers.get('link') ?? '')?.[1];
    // Only paths on the same registry are followed.
    path = next && next.startsWith('/v2/_catalog') ? next : undefined;
  }
  return repos;
}
