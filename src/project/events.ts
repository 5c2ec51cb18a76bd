// `events`: the project's events as they happen (and, with `since`, as they
// happened), until the signal aborts or `until` passes.
import { BerthError } from '../errors.js';
import { parseEventFilters } from './event-filter.js';
import { watchEvents, type WatchOptions } from '../events/watch.js';
import { parseTimeArg } from '../logs/time.js';
import { pathsAt } from './state-root.js';

export type { ContainerEvent } from '../events/watch.js';

export interface EventsOptions extends Omit<WatchOptions, 'since' | 'until' | 'accept'> {
  root?: string;
  /** --since / --until: RFC3339, Unix seconds or a duration back from now. */
  since?: string;
  until?: string;
  /** --filter key=value. */
  filters?: string[];
}

export function projectEvents(o: EventsOptions): Promise<void> {
  const now = new Date();
  const since = o.since ? new Date(parseTimeArg('--since', o.since, now)) : undefined;
  const until = o.until ? new Date(parseTimeArg('--until', o.until, now)) : undefined;
  // An --until already past alone asks for the past: everything recorded up to it, as docker replays.
  const from = since ?? (until && until <= now ? new Date(0) : undefined);
  if (since && until && until < since) throw new BerthError('--until must not be before --since');
  const accept = parseEventFilters(o.filters ?? []);
  return watchEvents(pathsAt(o.root), { ...o, since: from, until, accept });
}
