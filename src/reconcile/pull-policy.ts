// Compose's pull_policy values: the four that decide alone (always, never,
// missing, build; if_not_present is missing) and the refreshing ones (daily,
// weekly, every_<duration>), which pull when the local image was last pulled
// longer ago than their interval and otherwise act as missing.
import { BerthError } from '../errors.js';
import type { PullPolicy } from './desired.js';
import { parseDuration } from '../units.js';

const DAY_MS = 86_400_000;

/** A Go-style duration with days and weeks, as compose-go reads `every_<duration>` (e.g. 12h, 1d12h, 90m, 1w) → ms. */
export function parseRefreshInterval(text: string): number {
  if (!text) throw new BerthError('invalid pull_policy "every_": a duration is required, e.g. every_12h');
  try {
    return Math.round(parseDuration(text, { days: true }) / 1e6);
  } catch {
    throw new BerthError(`invalid pull_policy "every_${text}": expected a duration such as every_12h, every_1d or every_1h30m`);
  }
}

export interface ParsedPullPolicy {
  policy: PullPolicy;
  /** For daily, weekly and every_*: the longest time since the last pull before a new one (ms). */
  refresh?: { policy: string; intervalMs: number };
}

export function parsePullPolicy(p: string | undefined): ParsedPullPolicy {
  // A bare `refresh` has no interval: compose-go falls back to missing.
  if (p === undefined || p === '' || p === 'missing' || p === 'if_not_present' || p === 'refresh') return { policy: 'missing' };
  if (p === 'always' || p === 'never' || p === 'build') return { policy: p };
  if (p === 'daily') return { policy: 'missing', refresh: { policy: p, intervalMs: DAY_MS } };
  if (p === 'weekly') return { policy: 'missing', refresh: { policy: p, intervalMs: 7 * DAY_MS } };
  if (p.startsWith('every_')) return { policy: 'missing', refresh: { policy: p, intervalMs: parseRefreshInterval(p.slice('every_'.length)) } };
  throw new BerthError(`invalid pull_policy "${p}": expected always, never, missing, build, if_not_present, daily, weekly or every_<duration>`);
}

export type PullDecision = { pull: true } | { pull: false; why: string };

/**
 * The `pull` command's rules (docker compose pull): no image, a never/build
 * policy, or a missing-like policy with the image present skip the service;
 * without a pull_policy (or --policy) the image is pulled as with always.
 */
export function pullCommandDecision(s: { image?: string; build?: unknown; pull_policy?: string }, present: boolean, o: { policy?: 'missing' | 'always'; ignoreBuildable?: boolean }): PullDecision {
  if (!s.image) return { pull: false, why: 'No image to be pulled' };
  const given = o.policy ?? s.pull_policy;
  const policy = given === undefined ? 'always' : parsePullPolicy(given).policy;
  if (policy === 'never' || policy === 'build') return { pull: false, why: `pull_policy ${policy}` };
  if (policy !== 'always' && present) return { pull: false, why: 'Image is already present locally' };
  if (s.build && o.ignoreBuildable) return { pull: false, why: 'Image can be built' };
  return { pull: true };
}
