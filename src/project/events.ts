// `events`: the project's container events as they happen, until the signal aborts.
import { watchEvents, type WatchOptions } from '../events/watch.js';
import { pathsAt } from './state-root.js';

export type { ContainerEvent } from '../events/watch.js';

export function projectEvents(o: WatchOptions & { root?: string }): Promise<void> {
  return watchEvents(pathsAt(o.root), o);
}
