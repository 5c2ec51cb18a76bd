// A hostile or broken "registry" on loopback (the real docker-registry never
// answers like this): every answer must give one clear error line, exit 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { berthBin, tempDir } from '../../helpers/env.js';

const OCI = 'application/vnd.oci.image.manifest.v1+json';
const answers: Record<string, [number, Record<string, string>, string]> = {
  html: [200, { 'content-type': 'text/html' }, '<html>hi</html>'],
  empty: [200, { 'content-type': OCI }, '{}'],
  traversal: [200, { 'content-type': OCI }, JSON.stringify({ schemaVersion: 2, mediaType: OCI, config: { digest: 'sha256:../../etc', size: 1 }, layers: [] })],
  nullLayer: [200, { 'content-type': OCI }, JSON.stringify({ schemaVersion: 2, mediaType: OCI, config: { digest: `sha256:${'a'.repeat(64)}`, size: 1 }, layers: [null] })],
  error500: [500, {}, 'oops'],
  noChallenge: [401, {}, ''],
  badRealm: [401, { 'www-authenticate': 'Bearer realm="not a url"' }, ''],
  fileRealm: [401, { 'www-authenticate': 'Bearer realm="file:///etc/passwd"' }, ''],
  badIndex: [200, { 'content-type': 'application/vnd.oci.image.index.v1+json' }, JSON.stringify({ schemaVersion: 2, manifests: 'x' })],
};

function berth(root: string, args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [berthBin, '--root', root, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    c.on('close', (status) => resolve({ status, stderr }));
  });
}

test('garbage from a registry is one clear error each, nothing stored', async () => {
  let mode = 'html';
  const srv = createServer((_req, res) => {
    const [status, headers, body] = answers[mode];
    res.writeHead(status, headers);
    res.end(body);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  const t = tempDir('berth-hostile-reg-');
  try {
    const expect: Record<string, RegExp> = {
      html: /is not valid JSON/, empty: /is not an image manifest/, traversal: /bad descriptor/, nullLayer: /layer 0: bad descriptor/,
      error500: /HTTP 500/, noChallenge: /requires authentication/, badRealm: /bad realm/, fileRealm: /not http\(s\)/, badIndex: /no list of manifests/,
    };
    for (const m of Object.keys(answers)) {
      mode = m;
      const r = await berth(t.path, ['image', 'pull', `127.0.0.1:${port}/a/b:1`]);
      assert.equal(r.status, 1, `${m}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${m}: ${r.stderr}`);
      assert.match(r.stderr, expect[m], m);
    }
    const list = await berth(t.path, ['image', 'ls', '-q']);
    assert.equal(list.status, 0);
  } finally {
    srv.close();
    srv.closeAllConnections();
    t.cleanup();
  }
});
