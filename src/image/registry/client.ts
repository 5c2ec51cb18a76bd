// An OCI Distribution v2 client for one repository: authentication (Bearer
// token from the WWW-Authenticate challenge, or Basic), manifests and blobs.
import { Readable } from 'node:stream';
import { BerthError } from '../../errors.js';
import { DEFAULT_DOMAIN } from '../reference.js';
import { getCredentials, type Credentials } from './credentials.js';
import { extraCaDispatcher } from './extra-ca.js';

/** How registries are reached: which over plain http, which CA certificates to trust besides Node's. */
export interface RegistryAccess {
  insecure: string[];            // hosts spoken to over plain http (BERTH_INSECURE_REGISTRIES), besides loopback
  extraCaCerts?: string;         // NODE_EXTRA_CA_CERTS that Node did not load (see extra-ca.ts)
}

export interface ClientOptions extends RegistryAccess {
  credentials?: Credentials;     // overrides config.json (login)
  env?: NodeJS.ProcessEnv;       // where DOCKER_CONFIG and HOME are read (credentials)
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="…"`. */
export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))\s*,?/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2])) !== null) params[p[1].toLowerCase()] = (p[2] ?? p[3]).replace(/\\(.)/g, '$1');
  return { scheme: m[1].toLowerCase(), params };
}

/** localhost, loopback and configured insecure registries use http. */
export function isInsecure(domain: string, insecure: string[] = []): boolean {
  const host = domain.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host) || insecure.includes(domain) || insecure.includes(host);
}


export class RegistryError extends BerthError {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

export class RegistryClient {
  readonly base: string;
  private authHeader?: string;
  private readonly creds?: Credentials;
  private readonly extraCaCerts?: string;

  constructor(readonly domain: string, readonly repo: string, opts: ClientOptions) {
    const host = domain === DEFAULT_DOMAIN ? 'registry-1.docker.io' : domain;
    const scheme = isInsecure(domain, opts.insecure) ? 'http' : 'https';
    this.base = `${scheme}://${host}`;
    this.creds = opts.credentials ?? getCredentials(domain, opts.env);
    this.extraCaCerts = opts.extraCaCerts;
  }

  private async rawFetch(url: string, init: RequestInit): Promise<Response> {
    try {
      // Plain http never needs the extra certificates: no file read, no undici loaded.
      const dispatcher = this.extraCaCerts && url.startsWith('https:') ? extraCaDispatcher(this.extraCaCerts) : undefined;
      return await fetch(url, dispatcher ? { ...init, dispatcher } as RequestInit : init);
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new RegistryError(`cannot reach registry ${this.domain}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
  }

  /** Answers a 401 challenge; returns false when there is nothing more to try. */
  private async authenticate(res: Response, scope: string, sentWith: string | undefined): Promise<boolean> {
    const c = parseChallenge(res.headers.get('www-authenticate') ?? '');
    if (!c) {
      if (!this.creds) throw new RegistryError(`registry ${this.domain} requires authentication: run berth login ${this.domain}`, 401);
      return false;
    }
    if (c.scheme === 'basic') {
      if (!this.creds) throw new RegistryError(`registry ${this.domain} requires authentication: run berth login ${this.domain}`, 401);
      const next = `Basic ${Buffer.from(`${this.creds.username}:${this.creds.password}`).toString('base64')}`;
      if (next === sentWith) return false;
      this.authHeader = next;
      return true;
    }
    if (c.scheme === 'bearer') {
      const realm = c.params.realm;
      if (!realm) throw new RegistryError(`registry ${this.domain} sent a Bearer challenge without a realm`);
      let u: URL;
      try { u = new URL(realm); } catch { throw new RegistryError(`registry ${this.domain} sent a Bearer challenge with a bad realm: ${realm.slice(0, 100)}`); }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new RegistryError(`registry ${this.domain} sent a Bearer realm that is not http(s): ${realm.slice(0, 100)}`);
      if (c.params.service) u.searchParams.set('service', c.params.service);
      const sc = c.params.scope ?? scope;
      if (sc) u.searchParams.set('scope', sc); // login asks for a token without scope, as docker does
      const headers: Record<string, string> = {};
      if (this.creds) headers.authorization = `Basic ${Buffer.from(`${this.creds.username}:${this.creds.password}`).toString('base64')}`;
      const t = await this.rawFetch(u.toString(), { headers });
      if (t.status === 401 || t.status === 403) {
        await t.body?.cancel();
        if (!this.creds) throw new RegistryError(`registry ${this.domain} requires authentication: run berth login ${this.domain}`, 401);
        throw new RegistryError(`authentication to ${this.domain} failed: wrong credentials?`, 401);
      }
      if (!t.ok) throw new RegistryError(`token request to ${u.host} failed: HTTP ${t.status}`, t.status);
      const body = (await t.json()) as { token?: string; access_token?: string };
      const token = body.token ?? body.access_token;
      if (!token) throw new RegistryError(`token server ${u.host} returned no token`);
      const next = `Bearer ${token}`;
      if (next === sentWith) return false;
      this.authHeader = next;
      return true;
    }
    return false;
  }

  /** A request with authentication; `push` asks for pull,push scope. */
  async request(path: string, init: RequestInit & { push?: boolean; scope?: string } = {}, retryBody?: () => RequestInit['body']): Promise<Response> {
    const url = path.startsWith('http') ? path : `${this.base}${path}`;
    const scope = init.scope ?? `repository:${this.repo}:${init.push ? 'pull,push' : 'pull'}`;
    for (let attempt = 0; ; attempt++) {
      const headers = new Headers(init.headers);
      const sentWith = this.authHeader;
      if (sentWith) headers.set('authorization', sentWith);
      const body = attempt > 0 && retryBody ? retryBody() : init.body;
      const res = await this.rawFetch(url, { ...init, body, headers, ...(body instanceof Readable || isStream(body) ? { duplex: 'half' } : {}) } as RequestInit);
      if (res.status !== 401 || attempt >= 3) {
        if (res.status === 401) throw new RegistryError(`authentication to ${this.domain} failed: wrong credentials?`, 401);
        return res;
      }
      await res.body?.cancel();
      // A concurrent request may have authenticated meanwhile: just retry with that.
      if (this.authHeader !== sentWith) continue;
      if (!(await this.authenticate(res, scope, sentWith))) throw new RegistryError(`authentication to ${this.domain} failed: wrong credentials?`, 401);
    }
  }

  /** GET /v2/: checks reachability and credentials (login). */
  async ping(): Promise<void> {
    const res = await this.request('/v2/', { scope: '' });
    await res.body?.cancel();
    if (!res.ok) throw new RegistryError(`registry ${this.domain} answered HTTP ${res.status} to /v2/`, res.status);
  }

  async error(res: Response, what: string): Promise<RegistryError> {
    let detail = '';
    try {
      const j = (await res.json()) as { errors?: Array<{ code?: string; message?: string }> };
      detail = (j.errors ?? []).map((e) => `${e.code ?? ''}${e.message ? ` (${e.message})` : ''}`).join(', ');
    } catch { /* no JSON body */ }
    return new RegistryError(`${what}: HTTP ${res.status}${detail ? `: ${detail}` : ''}`, res.status);
  }
}

function isStream(b: unknown): boolean {
  return typeof b === 'object' && b !== null && typeof (b as { getReader?: unknown }).getReader === 'function';
}
