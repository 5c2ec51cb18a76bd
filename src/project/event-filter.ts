// `events --filter key=value`, as docker reads it: one key given several
// times matches any of its values, different keys must all match. Keys:
// type, event, container, image, label, network, volume, service.
import { UsageError } from '../errors.js';
import type { ContainerEvent } from '../events/watch.js';
import { labelMatches, parseFilters } from './filters.js';

const KEYS = ['type', 'event', 'container', 'image', 'label', 'network', 'volume', 'service'] as const;
type Key = typeof KEYS[number];

export type EventFilter = (e: ContainerEvent) => boolean;

/** "repo:tag" without a tag matches any tag of the repository, as docker's image filter does. */
function imageMatches(image: string | undefined, want: string): boolean {
  if (!image) return false;
  if (image === want) return true;
  return !want.includes(':') && image.startsWith(`${want}:`);
}

function one(key: Key, want: string, e: ContainerEvent): boolean {
  const a = e.attributes;
  switch (key) {
    case 'type': return e.type === want;
    // "exec_start: sh -c x" and "health_status: healthy" match by the word before the colon too.
    case 'event': return e.action === want || e.action.split(':')[0] === want;
    case 'container':
      if (e.type === 'container') return e.id === want || (want.length >= 3 && e.id.startsWith(want)) || a.name === want;
      return e.type === 'network' && (a.container === want || (want.length >= 3 && (a.container ?? '').startsWith(want)));
    case 'image': return e.type === 'container' && imageMatches(a.image, want);
    case 'label': return labelMatches(a, want);
    case 'network': return e.type === 'network' && (e.id === want || (want.length >= 3 && e.id.startsWith(want)) || a.name === want);
    case 'volume': return e.type === 'volume' && e.id === want;
    case 'service': return e.service === want;
  }
}

/** The --filter flags as one predicate; a malformed or unknown filter is a usage error naming it. */
export function parseEventFilters(filters: string[]): EventFilter {
  const by = new Map<Key, string[]>();
  for (const { key, value } of parseFilters(filters, KEYS)) {
    if (key === 'type' && !['container', 'network', 'volume'].includes(value)) throw new UsageError(`invalid filter "type=${value}": type is container, network or volume`);
    by.set(key as Key, [...(by.get(key as Key) ?? []), value]);
  }
  return (e) => [...by].every(([k, vs]) => vs.some((v) => one(k, v, e)));
}
