// The addon's rtnetlink and netns functions against the real kernel,
// checked with iproute2. Every object has a random name and is removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot, shortId, tempDir } from '../../helpers/env.js';
import {
  addrAdd, addrDel, addrList, linkAdd, linkDelIfExists, linkList, linkSet, neighAdd, neighDel, routeAdd, routeDel, routeList,
} from '../../../src/native/netlink.js';
import { netnsCreate, netnsDelete, sysctlWrite } from '../../../src/native/netns.js';
import { inNs, sh, freeSubnets } from './helpers.js';

test('netlink: links, addresses, routes, neighbours, vxlan FDB, netns', { skip: !isRoot && 'needs root' }, () => {
  const tmp = tempDir();
  const id = shortId();
  const ns = join(tmp.path, `ns-${id}`);
  const br = `bt${id}`, veth = `vt${id}`, dummy = `dt${id}`, vx = `xt${id}`;
  const [sub] = freeSubnets(1, [180, 199]);
  const base = sub!.replace('.0/24', '');
  try {
    netnsCreate(ns);
    assert.ok(existsSync(ns));
    assert.throws(() => netnsCreate(ns), /EEXIST|exists/);
    assert.deepEqual(linkList(ns).map((l) => [l.name, l.up]), [['lo', true]]);

    linkAdd(null, { name: br, kind: 'bridge', mtu: 1400, up: true });
    linkAdd(null, { name: veth, kind: 'veth', master: br, up: true, mtu: 1400, peer: { name: 'eth0', netns: ns, mtu: 1400, mac: '02:42:0a:00:00:02' } });
    addrAdd(null, br, `${base}.1/24`);
    addrAdd(ns, 'eth0', `${base}.2/24`);
    addrAdd(ns, 'eth0', 'fd00:213::2/64', { nodad: true });
    linkSet(ns, 'eth0', { up: true });
    routeAdd(ns, { dst: 'default', gateway: `${base}.1` });
    routeAdd(ns, { dst: '10.214.0.0/16', gateway: `${base}.1` });

    const host = linkList(null);
    const b = host.find((l) => l.name === br)!, v = host.find((l) => l.name === veth)!;
    assert.equal(b.kind, 'bridge');
    assert.equal(b.mtu, 1400);
    assert.equal(v.kind, 'veth');
    assert.equal(v.master, b.index);
    const inside = linkList(ns).find((l) => l.name === 'eth0')!;
    assert.equal(inside.mac, '02:42:0a:00:00:02');
    assert.ok(addrList(ns).some((a) => a.address === `${base}.2` && a.prefixLen === 24));
    assert.ok(addrList(ns).some((a) => a.address === 'fd00:213::2' && a.family === 6));
    assert.ok(routeList(ns, 4).some((r) => r.prefixLen === 0 && r.gateway === `${base}.1`));
    assert.match(inNs(ns, ['ip', 'route']).out, new RegExp(`10\\.214\\.0\\.0/16 via ${base.replace(/\./g, '\\.')}\\.1`));
    assert.ok(inNs(ns, ['busybox', 'ping', '-c', '1', '-W', '2', `${base}.1`]).ok, 'container side reaches the gateway');
    routeDel(ns, { dst: '10.214.0.0/16', gateway: `${base}.1` });
    addrDel(ns, 'eth0', 'fd00:213::2/64');
    assert.ok(!addrList(ns).some((a) => a.address === 'fd00:213::2'));

    // Rename, MTU, down, detach, move to the netns by fd.
    // Some kernels are built without the dummy driver: the same steps then run on a bridge.
    let kind: 'dummy' | 'bridge' = 'dummy';
    try { linkAdd(null, { name: dummy, kind }); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EOPNOTSUPP') throw e;
      kind = 'bridge';
      linkAdd(null, { name: dummy, kind });
    }
    linkSet(null, dummy, { mtu: 1300, up: true, ...(kind === 'dummy' ? { master: br } : {}) });
    linkSet(null, dummy, { master: '', up: false });
    linkSet(null, dummy, { name: `${dummy}r` });
    const d = linkList(null).find((l) => l.name === `${dummy}r`)!;
    assert.equal(d.mtu, 1300);
    assert.equal(d.master, 0);
    // Moving by namespace fd (bridges are netns-local, so a veth end moves).
    linkAdd(null, { name: `m${id}`, kind: 'veth', peer: { name: `p${id}` } });
    linkSet(null, `m${id}`, { netns: ns });
    assert.ok(linkList(ns).some((l) => l.name === `m${id}` && l.kind === 'veth'));
    assert.ok(!linkList(null).some((l) => l.name === `m${id}`));

    // Neighbour entry and a vxlan device with a static FDB entry (no learning).
    neighAdd(null, { dev: br, ip: `${base}.9`, mac: '02:00:00:00:00:09' });
    assert.match(sh('ip', ['neigh', 'show', 'dev', br]).out, /02:00:00:00:00:09 PERMANENT/);
    neighDel(null, { dev: br, ip: `${base}.9`, mac: '02:00:00:00:00:09' });
    linkAdd(null, { name: vx, kind: 'vxlan', mtu: 1450, master: br, vxlan: { id: 4242, port: 4789, local: `${base}.1` } });
    neighAdd(null, { dev: vx, mac: '02:00:00:00:00:0a', fdb: true, dst: '10.213.0.77' });
    assert.match(sh('bridge', ['fdb', 'show', 'dev', vx]).out, /02:00:00:00:00:0a dst 10\.213\.0\.77/);
    assert.match(sh('ip', ['-d', 'link', 'show', vx]).out, /vxlan id 4242/);

    sysctlWrite(ns, 'net/ipv4/conf/all/forwarding', '1');
    assert.equal(inNs(ns, ['cat', '/proc/sys/net/ipv4/conf/all/forwarding']).out.trim(), '1');
    assert.throws(() => sysctlWrite(null, '../etc/passwd', 'x'), /invalid sysctl key/);

    assert.throws(() => linkAdd(null, { name: br, kind: 'bridge' }), (e: NodeJS.ErrnoException) => e.code === 'EEXIST');
    assert.throws(() => linkSet(null, `nx${id}`, { up: true }), (e: NodeJS.ErrnoException) => e.code === 'ENODEV');
    assert.throws(() => linkAdd(null, { name: 'x'.repeat(16), kind: 'dummy' }), /invalid interface name/);
    assert.throws(() => addrAdd(null, br, '10.0.0.300/24'), /invalid address/);
  } finally {
    for (const n of [vx, veth, dummy, `${dummy}r`, `p${id}`, br]) linkDelIfExists(null, n);
    netnsDelete(ns);
    tmp.cleanup();
  }
  assert.ok(!existsSync(ns));
  assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(ns));
  assert.ok(!linkList(null).some((l) => l.name.endsWith(id)));
});
