import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../helpers/env.js';
import { getCredentials, removeCredentials, serverKey, storeCredentials } from '../../../src/image/registry/credentials.js';
import { isInsecure, parseChallenge, RegistryClient } from '../../../src/image/registry/client.js';
import { readConfig } from '../../../src/config.js';

test('WWW-Authenticate challenges are parsed', () => {
  assert.deepEqual(parseChallenge('Bearer realm="http://127.0.0.1:1/token",service="reg",scope="repository:a/b:pull,push"'), {
    scheme: 'bearer', params: { realm: 'http://127.0.0.1:1/token', service: 'reg', scope: 'repository:a/b:pull,push' },
  });
  assert.deepEqual(parseChallenge('Basic realm="my \\"realm\\""'), { scheme: 'basic', params: { realm: 'my "realm"' } });
  assert.equal(parseChallenge(''), undefined);
});

test('http only for loopback, localhost and configured insecure registries', () => {
  assert.equal(isInsecure('localhost:5000'), true);
  assert.equal(isInsecure('127.0.0.1:41000'), true);
  assert.equal(isInsecure('[::1]:5000'), true);
  assert.equal(isInsecure('registry.example.test'), false);
  assert.equal(isInsecure('registry.example.test:5000', ['registry.example.test:5000']), true);
  assert.equal(new RegistryClient('registry.example.test', 'a/b', { insecure: readConfig({}).insecureRegistries }).base, 'https://registry.example.test');
  assert.equal(new RegistryClient('registry.example.test', 'a/b', { insecure: readConfig({ BERTH_INSECURE_REGISTRIES: 'registry.example.test' }).insecureRegistries }).base, 'http://registry.example.test');
  assert.equal(new RegistryClient('docker.io', 'library/x', { insecure: [] }).base.startsWith('https://'), true);
});

test('credentials in config.json: read, write (keeping other keys), remove', () => {
  const t = tempDir('berth-dockercfg-');
  const env = { DOCKER_CONFIG: t.path };
  try {
    assert.equal(getCredentials('127.0.0.1:5000', env), undefined);
    writeFileSync(join(t.path, 'config.json'), JSON.stringify({
      auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw:with:colons').toString('base64') }, 'http://reg.test:5000/v2/': { auth: Buffer.from('u:p').toString('base64') } },
      credsStore: 'none', experimental: 'enabled',
    }));
    assert.deepEqual(getCredentials('docker.io', env), { username: 'hub', password: 'pw:with:colons' });
    assert.deepEqual(getCredentials('reg.test:5000', env), { username: 'u', password: 'p' }, 'scheme and path of the key are ignored');
    storeCredentials('127.0.0.1:5000', { username: 'alice', password: 'secret' }, env);
    const saved = JSON.parse(readFileSync(join(t.path, 'config.json'), 'utf8'));
    assert.equal(saved.experimental, 'enabled');
    assert.equal(saved.auths['127.0.0.1:5000'].auth, Buffer.from('alice:secret').toString('base64'));
    assert.equal(statSync(join(t.path, 'config.json')).mode & 0o777, 0o600);
    assert.equal(removeCredentials('127.0.0.1:5000', env), true);
    assert.equal(removeCredentials('127.0.0.1:5000', env), false);
    assert.equal(getCredentials('127.0.0.1:5000', env), undefined);
    assert.equal(serverKey('docker.io'), 'https://index.docker.io/v1/');
    writeFileSync(join(t.path, 'config.json'), '{broken');
    assert.throws(() => getCredentials('x.test', env), /config\.json: not valid JSON/);
  } finally { t.cleanup(); }
});

test('login makes a new config directory 0700 (it holds passwords) and config.json 0600', () => {
  const t = tempDir('berth-dockercfg-');
  const env = { DOCKER_CONFIG: join(t.path, 'home', '.docker') };
  try {
    storeCredentials('127.0.0.1:5000', { username: 'alice', password: 'secret' }, env);
    assert.equal(statSync(env.DOCKER_CONFIG).mode & 0o777, 0o700);
    assert.equal(statSync(join(env.DOCKER_CONFIG, 'config.json')).mode & 0o777, 0o600);
  } finally { t.cleanup(); }
});
