// `image search TERM`: the repositories of a registry's catalog whose name
// contains TERM. The registry is the one named in TERM (`host:port/term`),
// else $BERTH_SEARCH_REGISTRY; Docker Hub has no catalog to search.
import { config } from '../../config.js';
import { UsageError } from '../../errors.js';
import { DEFAULT_DOMAIN } from '../../image/reference.js';
import { listCatalog } from '../../image/registry/catalog.js';
import { filterBool, parseFilters } from '../filters.js';
import { registryAccess } from '../registry-access.js';

export interface SearchResult { Name: string; Description: string; StarCount: number; IsOfficial: boolean; IsAutomated: boolean }

export interface SearchOptions { limit?: number; filter?: string[] }

/** The registry and the term: a first component with a dot, a port or `localhost` names a registry, as in references. */
function searchTarget(term: string): { registry: string; term: string } {
  const slash = term.indexOf('/');
  const first = slash < 0 ? '' : term.slice(0, slash);
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) return { registry: first, term: term.slice(slash + 1) };
  const fallback = config().searchRegistry;
  if (fallback) return { registry: fallback, term };
  throw new UsageError(`search needs a registry with a catalog: give it as host:port/${term} or set BERTH_SEARCH_REGISTRY (${DEFAULT_DOMAIN} has no catalog to search)`);
}

function filterMatch(filters: string[]): (r: SearchResult) => boolean {
  const checks = parseFilters(filters, ['stars', 'is-official', 'is-automated']).map((f) => {
    if (f.key === 'stars') {
      if (!/^\d+$/.test(f.value)) throw new UsageError(`invalid filter "${f.key}=${f.value}": stars takes a number`);
      return (r: SearchResult) => r.StarCount >= Number(f.value);
    }
    const want = filterBool(f);
    return f.key === 'is-official' ? (r: SearchResult) => r.IsOfficial === want : (r: SearchResult) => r.IsAutomated === want;
  });
  return (r) => checks.every((c) => c(r));
}

export async function searchImages(term: string, o: SearchOptions = {}): Promise<SearchResult[]> {
  const limit = o.limit ?? 25;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new UsageError(`--limit must be between 1 and 100, not ${o.limit}`);
  const match = filterMatch(o.filter ?? []);
  const target = searchTarget(term);
  const needle = target.term.toLowerCase();
  const repos = await listCatalog(target.registry, registryAccess(config()));
  return repos
    .filter((r) => r.toLowerCase().includes(needle))
    .sort()
    // A catalog knows names only: no description, stars, or official/automated marks.
    .map((r) => ({ Name: `${target.registry}/${r}`, Description: '', StarCount: 0, IsOfficial: false, IsAutomated: false }))
    .filter(match)
    .slice(0, limit);
}
