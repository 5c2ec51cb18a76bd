// The host platform in OCI terms, and the choice of one manifest from an
// image index / Docker manifest list.
import { BerthError } from '../errors.js';
import type { Descriptor, ImageIndex, Platform } from './media-types.js';
import { MANIFEST_TYPES } from './media-types.js';

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export function hostPlatform(): Platform {
  const p: Platform = { os: 'linux', architecture: ARCH[process.arch] ?? process.arch };
  if (p.architecture === 'arm64') p.variant = 'v8';
  return p;
}

/** Parses "linux/amd64" or "linux/arm64/v8". */
export function parsePlatform(s: string): Platform {
  const [os, architecture, variant] = s.split('/');
  if (!os || !architecture) throw new BerthError(`bad platform "${s}": expected os/arch[/variant]`);
  return { os, architecture, variant };
}

function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Picks the manifest for `want` (default: the host platform) from an index. */
export function selectManifest(index: ImageIndex, want: Platform = hostPlatform()): Descriptor {
  if (!Array.isArray(index.manifests)) throw new BerthError('image index has no list of manifests');
  const candidates = index.manifests.filter((d) => MANIFEST_TYPES.includes(d.mediaType) || d.mediaType === undefined);
  const exact = candidates.find((d) => d.platform?.os === want.os && d.platform?.architecture === want.architecture
    && (!want.variant || !d.platform?.variant || d.platform.variant === want.variant));
  if (exact) return exact;
  const names = candidates.map((d) => (d.platform ? formatPlatform(d.platform) : 'unknown')).filter((p) => p !== 'unknown/unknown');
  throw new BerthError(`no image for platform ${formatPlatform(want)} (available: ${names.join(', ') || 'none'})`);
}
