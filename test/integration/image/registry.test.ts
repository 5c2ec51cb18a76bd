// Real push and pull against Debian's docker-registry on loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berthBin, tempDir } from '../../helpers/env.js';
import { buildImage, WHITEOUT_LAYERS } from '../../helpers/images.js';
import { freePort, startRegistry } from '../../helpers/registry.js';
import { startTokenServer } from '../../helpers/token-server.js';
import { openImageStore } from '../../../src/image/image-store.js';
import { lgetxattr } from '../../../src/native/fs-ops.js';
import { statePaths } from '../../../src/state/paths.js';
import { randomBytes } from 'node:crypto';
import { OCI_INDEX, OCI_MANIFEST } from '../../../src/image/media-types.js';
import { hostPlatform } from '../../../src/image/platform.js';
import { pullImage, type ProgressEvent } from '../../../src/image/registry/pull.js';

function berth(root: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string) {
  return spawnSync(process.execPath, [berthBin, '--root', root, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, input });
}

/** Like berth() without blocking the event loop (needed when this process serves tokens). */
function berthAsync(root: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [berthBin, '--root', root, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    c.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Mounts the image's layers read-only with overlayfs from the store root, like the container layer does. */
function withOverlay(root: string, imageRef: string, fn: (merged: string) => void): void {
  const store = openImageStore(statePaths(root, {}).images);
  const { base, lower } = store.rootfsLayers(imageRef);
  const t = tempDir('berth-ovl-');
  const r = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower.join(':')}`, t.path], { cwd: base, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  try {
    fn(t.path);
  } finally {
    spawnSync('umount', [t.path]);
    t.cleanup();
  }
}

test('push a multi-layer image with whiteouts, pull it elsewhere, mount the layers', async () => {
  const reg = await startRegistry();
  const a = tempDir('berth-img-a-');
  const b = tempDir('berth-img-b-');
  try {
    const ref = `${reg.host}/test/multi:v1`;
    const src = await buildImage(openImageStore(statePaths(a.path, {}).images), WHITEOUT_LAYERS, [ref], { Cmd: ['/bin/tool'], Env: ['A=1'] });
    const push = berth(a.path, ['image', 'push', ref]);
    assert.equal(push.status, 0, push.stderr);
    assert.match(push.stdout, /v1: digest: sha256:[a-f0-9]{64}/);

    // a second repository on the same registry gets the blobs by cross-repo mount
    assert.equal(berth(a.path, ['image', 'tag', ref, `${reg.host}/test/copy:v1`]).status, 0);
    const mount = berth(a.path, ['--progress', 'plain', 'image', 'push', `${reg.host}/test/copy:v1`]);
    assert.equal(mount.status, 0, mount.stderr);
    assert.equal(mount.stdout.match(/Mounted from another repository/g)?.length, 4, mount.stdout);

    const pull = berth(b.path, ['--progress', 'plain', 'image', 'pull', ref]);
    assert.equal(pull.status, 0, pull.stderr);
    assert.match(pull.stdout, /Downloading/);
    const store = openImageStore(statePaths(b.path, {}).images);
    const img = store.resolve(ref);
    assert.equal(img.id, src.id);
    assert.deepEqual(img.config.Cmd, ['/bin/tool']);
    assert.equal(img.repoDigests.length, 1);

    // overlay format of the middle layer: whiteout device and opaque directory
    const mid = join(store.layers.dir(img.layers[1].chainId), 'diff');
    const wh = lstatSync(join(mid, 'etc/a'));
    assert.equal(wh.isCharacterDevice(), true);
    assert.equal(wh.rdev, 0);
    assert.equal(lgetxattr(join(mid, 'opq'), 'trusted.overlay.opaque')?.toString(), 'y');
    assert.equal(existsSync(join(mid, 'opq/.wh..wh..opq')), false);

    const { lower } = store.rootfsLayers(img.id);
    assert.equal(lower.length, 3);
    assert.equal(lower[0], `l/${store.layers.get(img.layers[2].chainId)!.link}`, 'top-most layer first');
    withOverlay(b.path, img.id, (m) => {
      assert.equal(existsSync(join(m, 'etc/a')), false, 'whited-out file is hidden');
      assert.equal(readFileSync(join(m, 'etc/b'), 'utf8'), 'b3');
      assert.deepEqual(readdirSync(join(m, 'opq')), ['z'], 'opaque dir hides the lower contents');
      assert.equal(lstatSync(join(m, 'bin/alias')).ino, lstatSync(join(m, 'bin/tool2')).ino);
      assert.equal(readFileSync(join(m, 'bin/tool'), 'utf8'), 'tool');
    });

    // by digest, and a second pull finds everything in place
    const byDigest = berth(b.path, ['image', 'pull', `${reg.host}/test/multi@${img.manifestDigest}`]);
    assert.equal(byDigest.status, 0, byDigest.stderr);
    const again = berth(b.path, ['--progress', 'plain', 'image', 'pull', ref]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /Already exists/);

    // concurrent pulls of the same image into one fresh store do not corrupt it
    const c = tempDir('berth-img-c-');
    try {
      const results = await Promise.all([1, 2, 3].map(() => berthAsync(c.path, ['image', 'pull', '-q', ref])));
      for (const r of results) assert.equal(r.status, 0, r.stderr);
      const cs = openImageStore(statePaths(c.path, {}).images);
      assert.equal(cs.layers.list().length, 3);
      assert.equal(readdirSync(cs.layers.linksDir).length, 3, 'losers of the unpack race leave no alias behind');
      assert.deepEqual(readdirSync(cs.layers.tmpDir), []);
      withOverlay(c.path, ref, (m) => assert.equal(readFileSync(join(m, 'etc/c'), 'utf8'), 'c2'));
    } finally { c.cleanup(); }
  } finally {
    await reg.stop();
    a.cleanup();
    b.cleanup();
  }
});

test('pull errors: unknown image, unreachable registry, corrupt blob; nothing half-written', async () => {
  const reg = await startRegistry();
  const a = tempDir('berth-img-a-');
  const b = tempDir('berth-img-b-');
  try {
    const unknown = berth(b.path, ['image', 'pull', `${reg.host}/nope/nothing:v1`]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /^manifest unknown: .*nope\/nothing:v1 was not found/);
    assert.equal(unknown.stderr.trim().split('\n').length, 1);

    const port = await freePort();
    const down = berth(b.path, ['image', 'pull', `127.0.0.1:${port}/x/y:z`]);
    assert.equal(down.status, 1);
    assert.match(down.stderr, /^cannot reach registry 127\.0\.0\.1:\d+: ECONNREFUSED\n$/);

    const ref = `${reg.host}/test/corrupt:v1`;
    const img = await buildImage(openImageStore(statePaths(a.path, {}).images), WHITEOUT_LAYERS.slice(0, 1), [ref]);
    assert.equal(berth(a.path, ['image', 'push', ref]).status, 0);
    // flip the layer blob's bytes inside the registry's storage
    const h = img.layers[0].digest.slice(7);
    const data = join(reg.dir, 'data/docker/registry/v2/blobs/sha256', h.slice(0, 2), h, 'data');
    const bytes = readFileSync(data);
    bytes[bytes.length - 5] ^= 0xff;
    writeFileSync(data, bytes);
    const bad = berth(b.path, ['image', 'pull', ref]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^digest mismatch for blob sha256:/);
    const store = openImageStore(statePaths(b.path, {}).images);
    assert.deepEqual(store.list(), []);
    assert.deepEqual(store.layers.list(), []);
    assert.equal(store.blobs.has(img.layers[0].digest), false);
    assert.deepEqual(readdirSync(store.layers.linksDir), []);
  } finally {
    await reg.stop();
    a.cleanup();
    b.cleanup();
  }
});

test('basic auth: login, wrong credentials, push and pull, logout', async () => {
  const reg = await startRegistry({ user: { name: 'alice', password: 's3cret-pass' } });
  const a = tempDir('berth-img-a-');
  const b = tempDir('berth-img-b-');
  const cfg = tempDir('berth-docker-config-');
  const env = { DOCKER_CONFIG: cfg.path };
  try {
    const ref = `${reg.host}/private/app:1`;
    await buildImage(openImageStore(statePaths(a.path, {}).images), WHITEOUT_LAYERS.slice(0, 2), [ref]);
    const anon = berth(a.path, ['image', 'push', ref], env);
    assert.equal(anon.status, 1);
    assert.match(anon.stderr, /requires authentication: run berth login/);

    const wrong = berth(a.path, ['login', reg.host, '-u', 'alice', '--password-stdin'], env, 'wrong\n');
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /^authentication to 127\.0\.0\.1:\d+ failed: wrong credentials\?\n$/);
    assert.equal(existsSync(join(cfg.path, 'config.json')), false, 'failed login saves nothing');

    const ok = berth(a.path, ['login', reg.host, '-u', 'alice', '--password-stdin'], env, 's3cret-pass\n');
    assert.equal(ok.status, 0, ok.stderr);
    const saved = JSON.parse(readFileSync(join(cfg.path, 'config.json'), 'utf8'));
    assert.equal(Buffer.from(saved.auths[reg.host].auth, 'base64').toString(), 'alice:s3cret-pass');

    assert.equal(berth(a.path, ['image', 'push', ref], env).status, 0);
    const pull = berth(b.path, ['image', 'pull', ref], env);
    assert.equal(pull.status, 0, pull.stderr);

    assert.equal(berth(a.path, ['logout', reg.host], env).status, 0);
    const after = berth(b.path, ['image', 'pull', `${reg.host}/private/app:1`], env);
    assert.equal(after.status, 1);
    assert.match(after.stderr, /requires authentication/);
  } finally {
    await reg.stop();
    a.cleanup();
    b.cleanup();
    cfg.cleanup();
  }
});

test('token auth: Bearer challenge, scoped tokens for pull and push, wrong credentials', async () => {
  const dir = tempDir('berth-token-');
  const user = { name: 'bob', password: 'tok3n-pass' };
  const tokens = await startTokenServer(dir.path, user);
  const reg = await startRegistry({ token: tokens });
  const a = tempDir('berth-img-a-');
  const b = tempDir('berth-img-b-');
  const cfg = tempDir('berth-docker-config-');
  const env = { DOCKER_CONFIG: cfg.path };
  try {
    const ref = `${reg.host}/team/app:2`;
    await buildImage(openImageStore(statePaths(a.path, {}).images), WHITEOUT_LAYERS, [ref]);
    const anon = await berthAsync(a.path, ['image', 'push', ref], env);
    assert.equal(anon.status, 1);
    assert.match(anon.stderr, /^registry 127\.0\.0\.1:\d+ requires authentication: run berth login 127\.0\.0\.1:\d+\n$/);

    const wrong = await berthAsync(a.path, ['login', reg.host, '-u', 'bob', '--password', 'nope'], env);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /wrong credentials/);
    assert.equal((await berthAsync(a.path, ['login', reg.host, '-u', 'bob', '--password', user.password], env)).status, 0);

    const push = await berthAsync(a.path, ['image', 'push', ref], env);
    assert.equal(push.status, 0, push.stderr);
    // The registry's challenge names the actions in Go map order (push,pull or pull,push).
    assert.ok(tokens.requests.some((r) => /^repository:team\/app:(pull,push|push,pull)$/.test(r)), tokens.requests.join(' | '));
    const pull = await berthAsync(b.path, ['image', 'pull', ref], env);
    assert.equal(pull.status, 0, pull.stderr);
    assert.ok(tokens.requests.includes('repository:team/app:pull'));
    checkMerged(b.path, ref);
  } finally {
    await reg.stop();
    await tokens.stop();
    for (const t of [a, b, cfg, dir]) t.cleanup();
  }
});

function checkMerged(root: string, ref: string): void {
  withOverlay(root, ref, (m) => {
    assert.equal(existsSync(join(m, 'etc/a')), false);
    assert.deepEqual(readdirSync(join(m, 'opq')), ['z']);
  });
}

test('manifest lists pick the host platform or --platform; a dead pull\'s partial download resumes', async () => {
  const reg = await startRegistry();
  const a = tempDir('berth-img-a-');
  const b = tempDir('berth-img-b-');
  try {
    const sa = openImageStore(statePaths(a.path, {}).images);
    const amd = await buildImage(sa, [[{ name: 'arch', body: 'amd64' }]], [`${reg.host}/multi/arch:amd64`]);
    const arm = await buildImage(sa, [[{ name: 'arch', body: 'arm64' }]], [`${reg.host}/multi/arch:arm64`], {}, { architecture: 'arm64' });
    for (const t of ['amd64', 'arm64']) assert.equal(berth(a.path, ['image', 'push', `${reg.host}/multi/arch:${t}`]).status, 0);
    const desc = (img: typeof amd, platform: object) => ({ mediaType: OCI_MANIFEST, digest: img.manifestDigest, size: sa.blobs.size(img.manifestDigest), platform });
    const index = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [
      desc(arm, { os: 'linux', architecture: 'arm64', variant: 'v8' }), desc(amd, { os: 'linux', architecture: 'amd64' }),
    ] });
    const put = await fetch(`http://${reg.host}/v2/multi/arch/manifests/both`, { method: 'PUT', headers: { 'content-type': OCI_INDEX }, body: index });
    assert.equal(put.status, 201, await put.text());
    const host = hostPlatform().architecture;
    if (host === 'amd64' || host === 'arm64') {
      const r = berth(b.path, ['image', 'pull', `${reg.host}/multi/arch:both`]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(openImageStore(statePaths(b.path, {}).images).resolve(`${reg.host}/multi/arch:both`).id, host === 'amd64' ? amd.id : arm.id);
    }
    const other = berth(b.path, ['image', 'pull', '--platform', 'linux/arm64', `${reg.host}/multi/arch:both`]);
    assert.equal(other.status, 0, other.stderr);
    assert.equal(openImageStore(statePaths(b.path, {}).images).resolve(`${reg.host}/multi/arch:both`).id, arm.id);
    const none = berth(b.path, ['image', 'pull', '--platform', 'linux/s390x', `${reg.host}/multi/arch:both`]);
    assert.equal(none.status, 1);
    assert.equal(none.stderr, 'no image for platform linux/s390x (available: linux/arm64/v8, linux/amd64)\n');

    // resume: a dead process left the first half of a layer blob
    const big = randomBytes(1 << 20);
    const ref = `${reg.host}/resume/img:1`;
    const img = await buildImage(sa, [[{ name: 'big.bin', body: big }]], [ref], {}, { gzip: false });
    assert.equal(berth(a.path, ['image', 'push', ref]).status, 0);
    const c = tempDir('berth-img-c-');
    try {
      const sc = openImageStore(statePaths(c.path, {}).images);
      const dead = spawnSync('true').pid;
      const blob = sa.blobs.read(img.layers[0].digest);
      const half = blob.length >> 1;
      writeFileSync(join(sc.blobs.tmpDir, `${dead}-partial-${img.layers[0].digest.slice(7)}`), blob.subarray(0, half));
      const events: ProgressEvent[] = [];
      await pullImage(sc, ref, { insecure: [], onProgress: (e) => events.push(e) });
      const first = events.find((e) => e.status === 'downloading' && e.id === img.layers[0].digest.slice(7, 19));
      assert.equal(first?.current, half, 'the download started where the dead one stopped');
      assert.equal(sc.resolve(ref).id, img.id);
      assert.deepEqual(readdirSync(sc.blobs.tmpDir), []);
    } finally { c.cleanup(); }
  } finally {
    await reg.stop();
    a.cleanup();
    b.cleanup();
  }
});

test('a pull killed while unpacking leaves no half-visible layer; the next pull completes', async () => {
  const reg = await startRegistry();
  const a = tempDir('berth-img-a-');
  const b = tempDir('berth-img-b-');
  try {
    const ref = `${reg.host}/crash/img:1`;
    const files = (i: number) => Array.from({ length: 300 }, (_, f) => ({ name: `l${i}/f${f}`, body: randomBytes(20_000) }));
    await buildImage(openImageStore(statePaths(a.path, {}).images), [0, 1, 2, 3].map(files), [ref]);
    assert.equal(berth(a.path, ['image', 'push', ref]).status, 0);

    const tmp = join(statePaths(b.path, {}).images, 'tmp');
    const child = spawn(process.execPath, [berthBin, '--root', b.path, 'image', 'pull', '-q', ref], { stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    let killed = false;
    for (let i = 0; i < 4000 && child.exitCode === null; i++) {
      const busy = existsSync(tmp) && readdirSync(tmp).some((n) => n.includes('-layer-') && existsSync(join(tmp, n, 'diff')) && readdirSync(join(tmp, n, 'diff')).length > 0);
      if (busy) { child.kill('SIGKILL'); killed = true; break; }
      await new Promise((r) => setTimeout(r, 2));
    }
    await exited;
    assert.ok(killed, 'the pull was caught while unpacking');
    const store = openImageStore(statePaths(b.path, {}).images);
    assert.deepEqual(store.list(), [], 'no image record');
    for (const c of store.layers.list()) {
      // any layer that is visible is complete
      const rec = store.layers.get(c);
      assert.ok(rec);
      const dir = join(store.layers.dir(c), 'diff');
      assert.equal(readdirSync(join(dir, readdirSync(dir)[0])).length, 300);
    }
    const again = berth(b.path, ['image', 'pull', '-q', ref]);
    assert.equal(again.status, 0, again.stderr);
    const s2 = openImageStore(statePaths(b.path, {}).images);
    assert.equal(s2.layers.list().length, 4);
    assert.deepEqual(readdirSync(tmp).filter((n) => !n.includes('-partial-')), [], 'the dead pull\'s temp dirs are gone');
    withOverlay(b.path, ref, (m) => {
      for (let i = 0; i < 4; i++) assert.equal(readdirSync(join(m, `l${i}`)).length, 300);
    });
  } finally {
    await reg.stop();
    a.cleanup();
    b.cleanup();
  }
});

test('service-level pull and push: each image once, policies, ignored failures', async () => {
  const reg = await startRegistry();
  const a = tempDir('berth-img-a-');
  const b = tempDir('berth-img-b-');
  try {
    const { pullServiceImages, pushServiceImages, serviceImageRows } = await import('../../../src/image/project-images.js');
    const sa = openImageStore(statePaths(a.path, {}).images);
    const web = `${reg.host}/proj/web:1`;
    await buildImage(sa, WHITEOUT_LAYERS.slice(0, 1), [web]);
    const pushed = await pushServiceImages(sa, [{ service: 'web', image: web }, { service: 'web2', image: web }], { access: { insecure: [] } });
    assert.deepEqual(pushed.map((r) => r.status), ['pushed', 'pushed']);

    const sb = openImageStore(statePaths(b.path, {}).images);
    const services = [
      { service: 'web', image: web },
      { service: 'worker', image: web },
      { service: 'db', image: `${reg.host}/proj/missing:1` },
      { service: 'local', image: 'local-only:1', pullPolicy: 'never' as const },
    ];
    const seen = new Set<string>();
    const r = await pullServiceImages(sb, services, { access: { insecure: [] }, ignoreFailures: true, onProgress: (svc) => seen.add(svc) });
    assert.deepEqual(r.map((x) => x.status), ['pulled', 'pulled', 'failed', 'skipped']);
    assert.match(r[2].error!, /manifest unknown/);
    assert.equal(r[0].id, r[1].id);
    assert.ok(seen.has('web') || seen.has('worker'), 'progress names the service');
    await assert.rejects(pullServiceImages(sb, services.slice(2, 3), { access: { insecure: [] } }), /manifest unknown/);
    const again = await pullServiceImages(sb, services.slice(0, 1), { access: { insecure: [] } });
    assert.equal(again[0].status, 'present');
    // The pull time is recorded per reference (pull_policy daily, weekly, every_*); a pushed image was never pulled.
    const pulledAt = sb.pulledAt(web);
    assert.ok(pulledAt && Date.now() - pulledAt.getTime() < 120_000, String(pulledAt));
    assert.equal(sa.pulledAt(web), undefined);
    const plan = (policy: string) => {
      writeFileSync(join(b.path, 'compose.yaml'), `services:\n  web:\n    image: ${web}\n    pull_policy: ${policy}\n`);
      const out = berth(b.path, ['-f', join(b.path, 'compose.yaml'), '-p', 'refresh', '--dry-run', 'up', '-d']);
      assert.equal(out.status, 0, out.stderr);
      return out.stdout;
    };
    assert.doesNotMatch(plan('every_1h'), /Pull/);
    assert.doesNotMatch(plan('daily'), /Pull/);
    assert.match(plan('every_1ms'), new RegExp(`Image ${web.replace(/[.]/g, '\\.')} {2}Pull {2}\\(pull_policy every_1ms, last pulled `));
    const rows = serviceImageRows(sb, services);
    assert.equal(rows[0].id, r[0].id);
    assert.equal(rows[2].id, undefined);
  } finally {
    await reg.stop();
    a.cleanup();
    b.cleanup();
  }
});

/** A private CA and a certificate it signed for 127.0.0.1 (PEM files in dir). */
function privateCa(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string) => join(dir, n);
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
  };
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=berth-test-ca']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('tls.key'), '-out', f('tls.csr'), '-subj', '/CN=127.0.0.1']);
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  run(['x509', '-req', '-in', f('tls.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('tls.pem'), '-days', '2', '-extfile', f('ext.cnf')]);
  return { ca: f('ca.pem'), cert: readFileSync(f('tls.pem'), 'utf8'), key: readFileSync(f('tls.key'), 'utf8') };
}

test('NODE_EXTRA_CA_CERTS: bin/berth run as a program trusts its CAs for TLS, though Node does not load them at start', async () => {
  const dir = tempDir('berth-extra-ca-');
  const pki = privateCa(dir.path);
  const user = { name: 'carol', password: 'ca-pass' };
  // Plain http to the loopback registry; its token realm is https, signed by the private CA.
  const tokens = await startTokenServer(dir.path, user, { cert: pki.cert, key: pki.key });
  const reg = await startRegistry({ token: tokens });
  const root = tempDir('berth-img-');
  const cfg = tempDir('berth-docker-config-');
  // Run as a user does, through its #! line (not `node bin/berth`).
  const login = (extra: NodeJS.ProcessEnv) => new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: cfg.path };
    delete env.NODE_EXTRA_CA_CERTS;
    Object.assign(env, extra);
    const c = spawn(berthBin, ['--root', root.path, 'login', reg.host, '-u', user.name, '--password', user.password], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    c.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    c.on('close', (status) => resolve({ status, stderr }));
  });
  try {
    const untrusted = await login({});
    assert.equal(untrusted.status, 1);
    assert.match(untrusted.stderr, /cannot reach registry 127\.0\.0\.1:\d+: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
    const trusted = await login({ NODE_EXTRA_CA_CERTS: pki.ca });
    assert.equal(trusted.status, 0, trusted.stderr);
    assert.equal(trusted.stderr, '');
    // A file that cannot be read: Node's warning, then Node's own roots (still untrusted here).
    const missing = await login({ NODE_EXTRA_CA_CERTS: join(dir.path, 'absent.pem') });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /Ignoring extra certs from `.*absent\.pem`, load failed/);
  } finally {
    await reg.stop();
    await tokens.stop();
    for (const t of [root, cfg, dir]) t.cleanup();
  }
});
