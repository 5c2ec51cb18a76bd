// Output of `search`: docker's NAME DESCRIPTION STARS OFFICIAL table, json lines, or a template.
import type { SearchResult } from '../../project/image/search.js';
import { checkListFormat, formatList } from './list-format.js';
import { table } from './table.js';
import { writeOut } from '../output.js';

const HEADERS = { Name: 'NAME', Description: 'DESCRIPTION', StarCount: 'STARS', IsOfficial: 'OFFICIAL', IsAutomated: 'AUTOMATED' };

export async function searchCommand(term: string, o: { limit: number; filter?: string[]; format?: string; trunc?: boolean }): Promise<void> {
  checkListFormat(o.format, HEADERS);
  const { searchImages } = await import('../../project/image/search.js');
  const results = await searchImages(term, { limit: o.limit, filter: o.filter });
  const desc = (d: string) => (o.trunc === false || d.length <= 45 ? d : `${d.slice(0, 44)}…`);
  writeOut(formatList<SearchResult>(results, o.format, {
    headers: HEADERS,
    context: (r) => ({ ...r }),
    table: (rows) => table(['NAME', 'DESCRIPTION', 'STARS', 'OFFICIAL'], rows.map((r) => [r.Name, desc(r.Description), String(r.StarCount), r.IsOfficial ? '[OK]' : ''])),
  }));
}
