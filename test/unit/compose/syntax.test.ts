import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isIPAddress, parsePortString, parseVolumeString, shellSplit,
} from '../../../src/compose/syntax.js';

test('ports: the spec examples', () => {
  assert.deepEqual(parsePortString('3000'), [{ mode: 'ingress', target: 3000, protocol: 'tcp' }]);
  assert.deepEqual(parsePortString('3000-3002').map((p) => p.target), [3000, 3001, 3002]);
  assert.deepEqual(parsePortString('8000:8000'), [{ mode: 'ingress', target: 8000, published: '8000', protocol: 'tcp' }]);
  assert.deepEqual(parsePortString('9090-9091:8080-8081').map((p) => [p.published, p.target]), [['9090', 8080], ['9091', 8081]]);
  assert.deepEqual(parsePortString('49100:22'), [{ mode: 'ingress', target: 22, published: '49100', protocol: 'tcp' }]);
  assert.deepEqual(parsePortString('8000-9000:80'), [{ mode: 'ingress', target: 80, published: '8000-9000', protocol: 'tcp' }]);
  assert.deepEqual(parsePortString('127.0.0.1:8001:8001'), [{ mode: 'ingress', host_ip: '127.0.0.1', target: 8001, published: '8001', protocol: 'tcp' }]);
  assert.equal(parsePortString('127.0.0.1:5000-5010:5000-5010').length, 11);
  assert.deepEqual(parsePortString('127.0.0.1::5000'), [{ mode: 'ingress', host_ip: '127.0.0.1', target: 5000, protocol: 'tcp' }]);
  assert.deepEqual(parsePortString('6060:6060/udp'), [{ mode: 'ingress', target: 6060, published: '6060', protocol: 'udp' }]);
  assert.deepEqual(parsePortString('[::1]:6001:6001'), [{ mode: 'ingress', host_ip: '::1', target: 6001, published: '6001', protocol: 'tcp' }]);
  assert.deepEqual(parsePortString('::1:6000:6000'), [{ mode: 'ingress', host_ip: '::1', target: 6000, published: '6000', protocol: 'tcp' }]);
});

test('ports: field order is the one docker compose prints', () => {
  assert.deepEqual(Object.keys(parsePortString('127.0.0.1:80:81/udp')[0]!), ['mode', 'host_ip', 'target', 'published', 'protocol']);
});

test('ports: invalid ones', () => {
  for (const bad of ['80:80:80:80', '0', '65536', '80/xyz', 'abc', '8000-7000', '1-3:1-2', '999.1.1.1:80:80', '', '80:']) {
    assert.throws(() => parsePortString(bad), /invalid port/, bad);
  }
});

test('IP addresses', () => {
  for (const ok of ['127.0.0.1', '0.0.0.0', '::1', '::', 'fe80::1', '2001:db8::8a2e:370:7334', '::ffff:10.0.0.1']) assert.ok(isIPAddress(ok), ok);
  for (const bad of ['256.1.1.1', '1.2.3', 'a::g', '1:2:3:4:5:6:7:8:9', '80:80', 'localhost']) assert.ok(!isIPAddress(bad), bad);
});

test('volumes: short syntax', () => {
  assert.deepEqual(parseVolumeString('/var/lib/mysql'), { type: 'volume', target: '/var/lib/mysql', volume: {} });
  assert.deepEqual(parseVolumeString('/opt/data:/var/lib/mysql'), { type: 'bind', source: '/opt/data', target: '/var/lib/mysql', bind: { create_host_path: true } });
  assert.deepEqual(parseVolumeString('./cache:/tmp/cache'), { type: 'bind', source: './cache', target: '/tmp/cache', bind: { create_host_path: true } });
  assert.deepEqual(parseVolumeString('~/configs:/etc/configs/:ro'), { type: 'bind', source: '~/configs', target: '/etc/configs/', read_only: true, bind: { create_host_path: true } });
  assert.deepEqual(parseVolumeString('datavolume:/var/lib/mysql'), { type: 'volume', source: 'datavolume', target: '/var/lib/mysql', volume: {} });
  assert.deepEqual(parseVolumeString('data:/x:nocopy'), { type: 'volume', source: 'data', target: '/x', volume: { nocopy: true } });
  assert.deepEqual(parseVolumeString('/a:/b:ro,Z'), { type: 'bind', source: '/a', target: '/b', read_only: true, bind: { create_host_path: true, selinux: 'Z' } });
  assert.deepEqual(parseVolumeString('/a:/b:rshared'), { type: 'bind', source: '/a', target: '/b', bind: { propagation: 'rshared', create_host_path: true } });
  assert.deepEqual(parseVolumeString('/data:ro'), { type: 'volume', target: '/data', read_only: true, volume: {} });
});

test('volumes: invalid ones', () => {
  assert.throws(() => parseVolumeString('a:b:c:d'), /too many/);
  assert.throws(() => parseVolumeString('./a:relative'), /absolute path/);
  assert.throws(() => parseVolumeString('/a:/b:bogus'), /unknown mode/);
  assert.throws(() => parseVolumeString('bad name!:/x'), /neither a path/);
  assert.throws(() => parseVolumeString(':/x'), /./);
});

test('shell splitting for command strings', () => {
  assert.deepEqual(shellSplit('echo hello world'), ['echo', 'hello', 'world']);
  assert.deepEqual(shellSplit(`nginx -g "daemon off;"`), ['nginx', '-g', 'daemon off;']);
  assert.deepEqual(shellSplit(`sh -c 'echo $HOME'`), ['sh', '-c', 'echo $HOME']);
  assert.deepEqual(shellSplit(`a\\ b "c\\"d" ''`), ['a b', 'c"d', '']);
  assert.deepEqual(shellSplit('  spaced   out  '), ['spaced', 'out']);
  assert.throws(() => shellSplit(`echo "open`), /unterminated/);
  assert.throws(() => shellSplit(`echo 'open`), /unterminated/);
});

