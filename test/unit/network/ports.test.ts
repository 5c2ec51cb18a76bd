import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { assignPorts, collides, expandPorts, normalizeExpose } from '../../../src/network/ports.js';

test('expand: single, ranges, udp, random, host_ip', () => {
  assert.deepEqual(expandPorts([{ target: 80, published: '8080' }]), [{ protocol: 'tcp', target: 80, hostIp: '', hostPorts: [8080, 8080] }]);
  assert.deepEqual(expandPorts([{ target: '80-81', published: '9000-9001', protocol: 'udp', host_ip: '127.0.0.1' }]), [
    { protocol: 'udp', target: 80, hostIp: '127.0.0.1', hostPorts: [9000, 9000] },
    { protocol: 'udp', target: 81, hostIp: '127.0.0.1', hostPorts: [9001, 9001] },
  ]);
  assert.deepEqual(expandPorts([{ target: 80, published: '9000-9005' }])[0]!.hostPorts, [9000, 9005]);
  assert.equal(expandPorts([{ target: 80 }])[0]!.hostPorts, null);
  assert.equal(expandPorts([{ target: 80, host_ip: '[::1]' }])[0]!.hostIp, '::1');
});

test('expand: bad input is one clear error', () => {
  assert.throws(() => expandPorts([{ target: 0 }]), /invalid target port '0'/);
  assert.throws(() => expandPorts([{ target: 80, published: '70000' }]), /invalid published port/);
  assert.throws(() => expandPorts([{ target: 80, protocol: 'sctp' }]), /unsupported protocol/);
  assert.throws(() => expandPorts([{ target: '80-82', published: '90-91' }]), /differ in length/);
  assert.throws(() => expandPorts([{ target: 80, host_ip: 'localhost' }]), /invalid host_ip/);
  assert.throws(() => expandPorts([{ target: '90-80' }]), /range/);
});

test('collisions consider protocol and overlapping addresses', () => {
  const p = (hostIp: string, hostPort = 80, protocol = 'tcp') => ({ hostIp, hostPort, protocol });
  assert.equal(collides(p(''), p('127.0.0.1')), true);
  assert.equal(collides(p('0.0.0.0'), p('127.0.0.1')), true);
  assert.equal(collides(p('127.0.0.1'), p('127.0.0.2')), false);
  assert.equal(collides(p('127.0.0.1'), p('127.0.0.1', 80, 'udp')), false);
  assert.equal(collides(p('::'), p('127.0.0.1')), false);
});

test('assign: random port, berth conflict, host conflict', async () => {
  const [r] = await assignPorts(expandPorts([{ target: 80, host_ip: '127.0.0.1' }]), () => '10.0.0.2', 'net', []);
  assert.ok(r!.hostPort > 0);
  assert.equal(r!.containerIp, '10.0.0.2');
  const taken = [{ protocol: 'tcp' as const, target: 80, containerIp: '10.0.0.3', hostIp: '', hostPort: r!.hostPort, network: 'x' }];
  await assert.rejects(assignPorts(expandPorts([{ target: 81, published: r!.hostPort, host_ip: '127.0.0.1' }]), () => '10.0.0.2', 'net', taken), /already published by another berth container/);
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const busy = (srv.address() as { port: number }).port;
  try {
    await assert.rejects(assignPorts(expandPorts([{ target: 80, published: busy, host_ip: '127.0.0.1' }]), () => '10.0.0.2', 'net', []), /already in use on the host/);
    // A range skips the busy port.
    const [got] = await assignPorts(expandPorts([{ target: 80, published: `${busy}-${busy + 1}`, host_ip: '127.0.0.1' }]), () => '10.0.0.2', 'net', []);
    assert.notEqual(got!.hostPort, busy);
  } finally {
    srv.close();
  }
  await assert.rejects(assignPorts(expandPorts([{ target: 80, published: 18000, host_ip: '192.0.2.250' }]), () => '10.0.0.2', 'net', []), /not an address of this host/);
});

test('the same port twice in one request is refused', async () => {
  await assert.rejects(assignPorts(expandPorts([{ target: 80, published: 18977 }, { target: 81, published: 18977 }]), () => '10.0.0.2', 'net', []), /already published/);
});

test('expose normalizes to port/proto', () => {
  assert.deepEqual(normalizeExpose([80, '53/udp', '8000-8001']), ['80/tcp', '53/udp', '8000/tcp', '8001/tcp']);
  assert.throws(() => normalizeExpose(['x']), /expose: invalid port 'x'/);
});
