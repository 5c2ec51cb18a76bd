// A named volume's record and the rules for names and driver options.
import { isAbsolute } from 'node:path';
import { BerthError } from '../errors.js';

export interface VolumeRecord {
  name: string;
  driver: 'local';
  labels: Record<string, string>;
  /** driver_opts as given (type, o, device). */
  options: Record<string, string>;
  /** Created for an anonymous volume (`/data` with no source); `prune` removes these by default. */
  anonymous: boolean;
  createdAt: string;
  /**
   * When the volume first held data as a container mounted it (copied from
   * the image, or already written): from then on it is never copied into again.
   */
  populatedAt?: string;
}

/** Docker's rule; it also keeps the volume's directory inside the state root. */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function checkVolumeName(name: string): void {
  if (!NAME.test(name) || name.length > 255) {
    throw new BerthError(`invalid volume name "${name}": it must be at least two characters of letters, digits, "_", "." or "-", starting with a letter or digit`);
  }
}

/** How a local volume's data is provided. */
export type VolumeBacking =
  | { kind: 'directory' }                       // <root>/volumes/<name>/_data
  | { kind: 'bind'; device: string }            // type none + o bind: the host directory itself
  | { kind: 'mount'; type: string; device: string; options: string[] }; // a real mount on _data

const KNOWN_OPTS = new Set(['type', 'o', 'device']);

/** Validates driver_opts of the local driver and says how the data is provided. */
export function backingOf(name: string, opts: Record<string, string>): VolumeBacking {
  for (const k of Object.keys(opts)) {
    if (!KNOWN_OPTS.has(k)) throw new BerthError(`volume ${name}: invalid driver option "${k}" for the local driver (valid: type, o, device)`);
  }
  const { type, o, device } = opts;
  if (type === undefined && o === undefined && device === undefined) return { kind: 'directory' };
  if (!type) throw new BerthError(`volume ${name}: driver option "type" is required when "o" or "device" is set`);
  const options = (o ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (options.includes('bind') || options.includes('rbind')) {
    if (!device || !isAbsolute(device)) throw new BerthError(`volume ${name}: a bind volume needs an absolute "device" path (got ${JSON.stringify(device ?? '')})`);
    return { kind: 'bind', device };
  }
  if (!device) throw new BerthError(`volume ${name}: driver option "device" is required for type ${type}`);
  return { kind: 'mount', type, device, options };
}
