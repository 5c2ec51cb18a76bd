// `logs`: the project's log lines, interleaved by time, through callbacks
// (the CLI formats them); --since/--until as Docker reads them.
import { UsageError } from '../errors.js';
import { projectLogs, type ProjectLogOptions } from '../logs/project.js';
import { serviceContainer } from '../logs/select.js';
import { parseTimeArg } from '../logs/time.js';
import { pathsAt } from './state-root.js';


export interface LogsOptions extends Omit<ProjectLogOptions, 'since' | 'until'> {
  root?: string;
  project: string;
  /** --since/--until as given: an RFC3339 time, a Unix time or a duration before now. */
  since?: string;
  until?: string;
}

export async function projectLogLines(o: LogsOptions): Promise<void> {
  const now = new Date();
  const since = o.since ? parseTimeArg('--since', o.since, now) : undefined;
  const until = o.until ? parseTimeArg('--until', o.until, now) : undefined;
  const paths = pathsAt(o.root);
  if (o.index !== undefined) {
    // As docker compose: --index names one container of one service, and a missing one is an error.
    if (o.services?.length !== 1) throw new UsageError('--index needs exactly one service');
    serviceContainer(paths, o.project, o.services[0]!, o.index);
  }
  await projectLogs(paths, o.project, { ...o, since, until });
}
