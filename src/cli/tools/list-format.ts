// --format for listings (images, network ls, volume ls, search): docker's
// named formats and Go templates over each row, `table …` with a header row.
import { UsageError } from '../../errors.js';
import { alignTabs, isTemplate, parseGoTemplate } from './go-template.js';

export interface ListFormat<R> {
  /** The rows as printed by the default table. */
  table: (rows: R[]) => string;
  /** What a template sees as `.` for one row; `{{json .}}` and --format json print toJSON() when present. */
  context: (row: R) => Record<string, unknown>;
  /** Field → header in `table` templates (docker's names). */
  headers: Record<string, string>;
}

/** Checks a --format before anything runs: table, json or a template reading known fields. */
export function checkListFormat(format: string | undefined, headers: Record<string, string>): void {
  if (!format || format === 'table' || format === 'json') return;
  if (!isTemplate(format)) throw new UsageError(`invalid --format "${format}": table, json or a Go template such as "{{.${Object.keys(headers)[0]}}}"`);
  parseGoTemplate(format).header((n) => {
    if (!Object.hasOwn(headers, n)) throw new UsageError(`invalid --format "${format}": no field ${n} (fields: ${Object.keys(headers).join(', ')})`);
    return '';
  });
}

export function formatList<R>(rows: R[], format: string | undefined, f: ListFormat<R>): string {
  checkListFormat(format, f.headers);
  if (!format || format === 'table') return f.table(rows);
  if (format === 'json') return rows.map((r) => `${JSON.stringify(f.context(r))}\n`).join('');
  const t = parseGoTemplate(format);
  const lines = rows.map((r) => t.render(f.context(r)));
  return t.table ? alignTabs([t.header((n) => f.headers[n]!), ...lines]) : lines.map((l) => `${l}\n`).join('');
}
