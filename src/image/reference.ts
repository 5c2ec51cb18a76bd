// Docker image references: parsing and normalization, so that `busybox`,
// `library/busybox` and `docker.io/library/busybox:latest` name one image.
import { BerthError } from '../errors.js';

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DOMAIN = 'index.docker.io';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

export interface Reference {
  domain: string;   // registry host[:port]
  path: string;     // repository path inside the registry, e.g. library/busybox
  tag?: string;
  digest?: string;  // sha256:<hex>
}

class ReferenceError extends BerthError {
  constructor(ref: string, why: string) {
    super(`invalid reference format "${ref}": ${why}`);
  }
}

/** Parses and normalizes a reference; adds :latest when neither tag nor digest is given. */
export function parseReference(input: string, { defaultTag = true } = {}): Reference {
  if (input.length === 0 || input.length > 255 + 135) throw new ReferenceError(input, 'empty or too long');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new ReferenceError(input, 'bad digest');
    if (digest.startsWith('sha256:') && !/^sha256:[a-f0-9]{64}$/.test(digest)) throw new ReferenceError(input, 'bad sha256 digest');
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new ReferenceError(input, 'bad tag');
  }
  if (rest.length === 0) throw new ReferenceError(input, 'empty name');
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      domain = first;
      path = rest.slice(slash + 1);
      if (!DOMAIN.test(domain)) throw new ReferenceError(input, 'bad registry host');
    }
  }
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN;
  if (path !== path.toLowerCase()) throw new ReferenceError(input, 'repository name must be lowercase');
  for (const c of path.split('/')) if (!COMPONENT.test(c)) throw new ReferenceError(input, `bad path component "${c}"`);
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  if (defaultTag && !tag && !digest) tag = 'latest';
  return { domain, path, tag, digest };
}

/** domain/path, e.g. docker.io/library/busybox. */
export function repoName(r: Reference): string {
  return `${r.domain}/${r.path}`;
}

/** The full normalized string: name[:tag][@digest]. */
export function formatReference(r: Reference): string {
  return repoName(r) + (r.tag ? `:${r.tag}` : '') + (r.digest ? `@${r.digest}` : '');
}

/** Docker's short form for display: docker.io/library/x → x, docker.io/u/x → u/x. */
export function familiarName(name: string): string {
  if (name.startsWith(`${DEFAULT_DOMAIN}/library/`)) return name.slice(`${DEFAULT_DOMAIN}/library/`.length);
  if (name.startsWith(`${DEFAULT_DOMAIN}/`)) return name.slice(DEFAULT_DOMAIN.length + 1);
  return name;
}

/** Splits a stored "name:tag" or "name@digest" key into name and the suffix. */
export function splitRefKey(key: string): { name: string; tag?: string; digest?: string } {
  const at = key.indexOf('@');
  if (at >= 0) return { name: key.slice(0, at), digest: key.slice(at + 1) };
  const colon = key.lastIndexOf(':');
  if (colon > key.lastIndexOf('/')) return { name: key.slice(0, colon), tag: key.slice(colon + 1) };
  return { name: key };
}
