// A minimal Docker token server (the Bearer flow of the distribution spec)
// on loopback, for docker-registry's `auth: token` mode: it checks Basic
// credentials and issues RS256 JWTs whose x5c header carries a self-signed
// certificate that the registry trusts through its rootcertbundle.
// It runs in the test process: drive berth with async spawns while it serves.
import { createSign, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as HttpsServer } from 'node:https';
import { join } from 'node:path';

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
  requests: string[];   // scopes asked for, to check the client's behaviour
  stop: () => Promise<void>;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** With `tls` (PEM certificate and key), the realm is https. */
export async function startTokenServer(dir: string, user: { name: string; password: string }, tls?: { cert: string; key: string }): Promise<TokenServer> {
  const key = join(dir, 'token.key');
  const cert = join(dir, 'token.crt');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=berth-test-token'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  const der = readFileSync(cert, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const privateKey = readFileSync(key, 'utf8');
  const service = 'berth-test-registry';
  const issuer = 'berth-test-issuer';
  const requests: string[] = [];
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const scope = url.searchParams.get('scope') ?? '';
    requests.push(scope);
    const auth = req.headers.authorization ?? '';
    const given = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString() : '';
    if (given !== `${user.name}:${user.password}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ details: 'bad credentials' }));
      return;
    }
    const access = scope ? scope.split(' ').map((s) => {
      const [type, name, actions] = s.split(':');
      return { type, name, actions: (actions ?? '').split(',').filter(Boolean) };
    }) : [];
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', x5c: [der] };
    const claims = { iss: issuer, sub: user.name, aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const sig = createSign('RSA-SHA256').update(input).sign(privateKey);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: `${input}.${b64url(sig)}`, expires_in: 300 }));
  };
  const server: Server | HttpsServer = tls ? createTlsServer(tls, serve) : createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    realm: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/token`, service, issuer, certFile: cert, requests,
    stop: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
