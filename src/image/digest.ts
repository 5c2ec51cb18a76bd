// sha256 digests in their OCI string form ("sha256:<64 hex>").
import { createHash } from 'node:crypto';
import { BerthError } from '../errors.js';

const SHA256 = /^sha256:[a-f0-9]{64}$/;

/** Validates a digest taken from untrusted input (manifests, archives). */
export function checkDigest(s: unknown, what = 'digest'): string {
  if (typeof s !== 'string' || !SHA256.test(s)) throw new BerthError(`unsupported or malformed ${what}: ${String(s).slice(0, 80)}`);
  return s;
}

export function sha256(data: string | Uint8Array): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

export function hex(digest: string): string {
  return digest.slice('sha256:'.length);
}

/** OCI chain IDs: chain(L0) = diff(L0); chain(Ln) = sha256(chain(Ln-1) + " " + diff(Ln)). */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) out.push(out.length === 0 ? d : sha256(`${out[out.length - 1]} ${d}`));
  return out;
}
