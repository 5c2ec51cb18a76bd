// The CA certificates of NODE_EXTRA_CA_CERTS, trusted by registry requests
// although Node itself never loaded them: bin/berth's #! line keeps the
// variable from Node (which would parse the whole file at every start, ~40 ms
// for a system bundle) and the configuration carries the file here. It is
// read once, when the first TLS request goes out, into an undici Agent that
// trusts Node's bundled roots plus these, as Node would have.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { rootCertificates } from 'node:tls';
import type * as Undici from 'undici';

/** What fetch accepts as `dispatcher` (undici's Agent): opaque here. */
type Dispatcher = object;

const agents = new Map<string, Dispatcher | undefined>();

/**
 * The dispatcher that trusts `file` besides Node's roots; undefined (Node's
 * defaults) when the file cannot be read, with Node's own warning for that.
 */
export function extraCaDispatcher(file: string): Dispatcher | undefined {
  if (agents.has(file)) return agents.get(file);
  let agent: Dispatcher | undefined;
  try {
    const pem = readFileSync(file, 'utf8');
    // undici (the package of Node's own fetch) only where this is needed: ~10 ms to load.
    const { Agent } = createRequire(import.meta.url)('undici') as typeof Undici;
    agent = new Agent({ connect: { ca: [...rootCertificates, pem] } });
  } catch (e) {
    process.emitWarning(`Ignoring extra certs from \`${file}\`, load failed: ${(e as Error).message}`);
  }
  agents.set(file, agent);
  return agent;
}
