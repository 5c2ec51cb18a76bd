// `image search TERM`: the repositories of a registry's catalog whose name
// contains TERM. The registry is the one named in TERM (`host:port/term`),
// else $BERTH_SEARCH_REGISTRY; Docker Hub has no catalog to search.
import { UsageError } from '../../errors.js';
import { DEFAULT_DOMAIN } from '../../image/reference.js';
import { listCatalog } from '../../image/registry/catalog.js';

export interface SearchResult { Name: string; Description: string; StarCount: number; IsOfficial: boolean; IsAutomated: boolean }

export interface SearchOptions { limit?: number; filter?: string[]; env?: NodeJS.ProcessEnv }

/** The registry and the term: a first component with a dot, a port or `localhost` names a registry, as in references. */
function searchTarget(term: string, env: NodeJS.ProcessEnv = process.env): { registry: string; term: string } {
  const slash = term.indexOf('/');
  const first = slash < 0 ? '' : term.slice(0, slash);
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) return { registry: first, term: term.slice(slash + 1) };
  const fallback = env.BERTH_SEARCH_REGISTRY?.trim();
  if (fallback) return { registry: fallback, term };
  throw new UsageError(`search needs a registry with a catalog: give it as host:port/${term} or set BERTH_SEARCH_REGISTRY (${DEFAULT_DOMAIN} has no catalog to search)`);
}

function filterMatch(filters: string[]): (r: SearchResult) => boolean {
  const checks = filters.map((f) => {
    const m = /^(stars|is-official|is-automated)=(.*)$/.exec(f);
    if (!m) throw new UsageError(`invalid filter "${f}" (stars=<n>, is-official=true|false, is-automated=true|false)`);
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'stars') {
      if (!/^\d+$/.test(value)) throw new UsageError(`invalid filter "${f}": stars takes a number`);
      return (r: SearchResult) => r.StarCount >= Number(value);
    }
    if (value !== 'true' && value !== 'false') throw new UsageError(`invalid filter "${f}": ${key} takes true or false`);
    return key === 'is-official' ? (r: SearchResult) => r.IsOfficial === (value === 'true') : (r: SearchResult) => r.IsAutomated === (value === 'true');
  });
  return (r) => checks.every((c) => c(r));
}

export async function searchImages(term: string, o: SearchOptions = {}): Promise<SearchResult[]> {
  const limit = o.limit ?? 25;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new UsageError(`--limit must be between 1 and 100, not ${o.limit}`);
  const match = filterMatch(o.filter ?? []);
  const target = searchTarget(term, o.env);
  const needle = target.term.toLowerCase();
  const repos = await listCatalog(target.registry, { env: o.env });
  return repos
    .filter((r) => r.toLowerCase().includes(needle))
    .sort()
    // A catalog knows names only: no description, stars, or official/automated marks.
    .map((r) => ({ Name: `${target.registry}/${r}`, Description: '', StarCount: 0, IsOfficial: false, IsAutomated: false }))
    .filter(match)
    .slice(0, limit);
}
