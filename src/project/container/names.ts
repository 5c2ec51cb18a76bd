// Names for containers run without --name: an adjective and a noun joined by
// "_", as docker names them (the words are our own, harbour-themed).
import { randomInt } from 'node:crypto';

const ADJECTIVES = [
  'amber', 'brave', 'calm', 'clever', 'eager', 'fair', 'gentle', 'hardy', 'jolly', 'keen', 'lively', 'merry', 'nimble',
  'patient', 'quiet', 'rapid', 'steady', 'sturdy', 'swift', 'tidy', 'vivid', 'warm', 'wise', 'zesty',
];
const NOUNS = [
  'anchor', 'barge', 'beacon', 'bollard', 'buoy', 'cargo', 'compass', 'dock', 'ferry', 'galley', 'harbor', 'hull', 'jetty',
  'keel', 'lighthouse', 'mast', 'mooring', 'pier', 'quay', 'rudder', 'schooner', 'sextant', 'tugboat', 'wharf',
];

export function randomName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${NOUNS[randomInt(NOUNS.length)]}`;
}
