import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDnsConfig } from '../../../src/network/dns/records.js';
import { resolve, rotate } from '../../../src/network/dns/resolve.js';
import { hostsFile, hostnameFile, parseExtraHosts, resolvConf } from '../../../src/network/dns/files.js';
import type { EndpointRecord, NetworkRecord } from '../../../src/network/types.js';

const net = (id: string, name: string, gw: string, internal = false): NetworkRecord => ({
  id: id.repeat(64), name, driver: 'bridge', bridge: `br-${id}`, mtu: 1500, internal, attachable: false, enableIpv6: false,
  labels: {}, options: {}, created: '', subnets: [{ family: 4, subnet: `${gw}/24`, gateway: gw }],
});
const A = net('a', 'front', '10.1.0.1'), B = net('b', 'back', '10.2.0.1', true);
const att = (n: NetworkRecord, ip: string, aliases: string[] = [], links: string[] = []) =>
  ({ network: n.name, networkId: n.id, interface: 'eth0', hostVeth: 'v', ipv4: ip, aliases, links });
const ep = (id: string, name: string, dns: string[], attachments: ReturnType<typeof att>[]): EndpointRecord =>
  ({ containerId: id, name, netnsPath: '/x', dnsNames: dns, attachments, ports: [], expose: [] });

const cfg = buildDnsConfig([A, B], [
  ep('c1', 'p-web-1', ['web'], [att(A, '10.1.0.2', ['www'], ['db:database'])]),
  ep('c2', 'p-web-2', ['web'], [att(A, '10.1.0.3')]),
  ep('c3', 'p-db-1', ['db'], [att(B, '10.2.0.2')]),
  ep('c4', 'p-api-1', ['api'], [att(A, '10.1.0.4'), att(B, '10.2.0.3')]),
], ['127.0.0.1:5300'], 1);
const [netA, netB] = cfg.networks as [typeof cfg.networks[0], typeof cfg.networks[0]];

test('service names resolve to every replica; container names and aliases too', () => {
  assert.deepEqual(resolve(cfg, netA, '10.1.0.4', 'web', 'A'), { kind: 'addresses', addresses: ['10.1.0.2', '10.1.0.3'] });
  assert.deepEqual(resolve(cfg, netA, '10.1.0.4', 'P-WEB-2.', 'A'), { kind: 'addresses', addresses: ['10.1.0.3'] });
  assert.deepEqual(resolve(cfg, netA, '10.1.0.3', 'www', 'A'), { kind: 'addresses', addresses: ['10.1.0.2'] });
  assert.deepEqual(resolve(cfg, netA, '10.1.0.3', 'web', 'AAAA'), { kind: 'addresses', addresses: [] });
});

test('answers are scoped to the asking container networks', () => {
  // web (only on front) cannot see db (only on back): forwarded upstream like any unknown name.
  assert.deepEqual(resolve(cfg, netA, '10.1.0.3', 'db', 'A'), { kind: 'forward' });
  // api is on both: sees db, through either gateway.
  assert.deepEqual(resolve(cfg, netA, '10.1.0.4', 'db', 'A'), { kind: 'addresses', addresses: ['10.2.0.2'] });
  assert.deepEqual(resolve(cfg, netB, '10.2.0.3', 'web', 'A'), { kind: 'addresses', addresses: ['10.1.0.2', '10.1.0.3'] });
  // An internal network never forwards.
  assert.deepEqual(resolve(cfg, netB, '10.2.0.2', 'example.test', 'A'), { kind: 'nxdomain' });
});

test('links give the linking container an extra name', () => {
  const withDb = buildDnsConfig([A], [ep('c1', 'w', ['web'], [att(A, '10.1.0.2', [], ['db:database'])]), ep('c3', 'd', ['db'], [att(A, '10.1.0.9')])], [], 1);
  assert.deepEqual(resolve(withDb, withDb.networks[0]!, '10.1.0.2', 'database', 'A'), { kind: 'addresses', addresses: ['10.1.0.9'] });
  assert.deepEqual(resolve(withDb, withDb.networks[0]!, '10.1.0.9', 'database', 'A'), { kind: 'forward' });
});

test('PTR answers the container name within scope', () => {
  assert.deepEqual(resolve(cfg, netA, '10.1.0.4', '2.0.1.10.in-addr.arpa', 'PTR'), { kind: 'ptr', names: ['p-web-1'] });
  assert.deepEqual(resolve(cfg, netA, '10.1.0.2', '2.0.2.10.in-addr.arpa', 'PTR'), { kind: 'forward' });
});

test('rotate gives round-robin order', () => {
  assert.deepEqual(rotate([1, 2, 3], 1), [2, 3, 1]);
  assert.deepEqual(rotate([1], 5), [1]);
});

test('resolv.conf: berth DNS by default, dns/dns_search/dns_opt override, host search inherited', () => {
  const host = 'nameserver 127.0.0.53\nsearch corp.example\noptions edns0\n';
  assert.equal(resolvConf({ nameservers: ['10.1.0.1'], hostResolvConf: host }), 'nameserver 10.1.0.1\nsearch corp.example\noptions edns0\n');
  assert.equal(resolvConf({ nameservers: ['10.1.0.1'], dns: ['9.9.9.9'], dnsSearch: ['a.test'], dnsOpt: ['ndots:2'], hostResolvConf: host }),
    'nameserver 9.9.9.9\nsearch a.test\noptions ndots:2\n');
  assert.equal(resolvConf({ nameservers: [], hostResolvConf: 'nameserver 127.0.0.53\nnameserver 192.0.2.53\n' }), 'nameserver 192.0.2.53\n');
  assert.throws(() => resolvConf({ nameservers: [], dns: ['nope'] }), /invalid nameserver/);
});

test('hosts and hostname files', () => {
  const extra = parseExtraHosts(['db.local:10.9.9.9', 'gw=host-gateway', 'v6:[::1]'], '10.1.0.1');
  assert.deepEqual(extra, [['db.local', '10.9.9.9'], ['gw', '10.1.0.1'], ['v6', '::1']]);
  assert.deepEqual(parseExtraHosts({ a: ['10.0.0.1', '10.0.0.2'] }), [['a', '10.0.0.1'], ['a', '10.0.0.2']]);
  const h = hostsFile({ hostname: 'web1', addresses: ['10.1.0.2'], extraHosts: extra });
  assert.match(h, /^127\.0\.0\.1\tlocalhost\n/);
  assert.match(h, /\n10\.9\.9\.9\tdb\.local\n/);
  assert.match(h, /\n10\.1\.0\.2\tweb1\n$/);
  assert.equal(hostnameFile('web1'), 'web1\n');
  assert.throws(() => hostnameFile('bad name'), /invalid hostname/);
  assert.throws(() => parseExtraHosts(['nocolon']), /extra_hosts: invalid entry/);
  assert.throws(() => parseExtraHosts(['x:host-gateway']), /invalid address/);
});

test('containerFiles: from the endpoint record', async () => {
  const { tempDir } = await import('../../helpers/env.js');
  const { statePaths } = await import('../../../src/state/paths.js');
  const { NetworkStore } = await import('../../../src/network/store.js');
  const { containerFiles } = await import('../../../src/network/container-files.js');
  const t = tempDir();
  try {
    const paths = statePaths(t.path);
    new NetworkStore(paths).saveEndpoint(ep('c9', 'web-1', ['web'], [{ ...att(A, '10.1.0.7'), gateway4: '10.1.0.1' } as ReturnType<typeof att>]));
    const f = containerFiles(paths, 'c9', { hostname: 'web1', extra_hosts: ['gw:host-gateway'], dns_search: ['svc.test'], hostResolvConf: 'options edns0\n' });
    assert.equal(f.resolvConf, 'nameserver 10.1.0.1\nsearch svc.test\noptions edns0\n');
    assert.match(f.hosts, /\n10\.1\.0\.1\tgw\n/);
    assert.match(f.hosts, /\n10\.1\.0\.7\tweb1\n$/);
    assert.equal(f.hostname, 'web1\n');
  } finally {
    t.cleanup();
  }
});

test('PTR for IPv6 addresses', () => {
  const v6net = { ...A, enableIpv6: true };
  const c = buildDnsConfig([v6net], [ep('c1', 'six', [], [{ ...att(v6net, '10.1.0.2'), ipv6: 'fd00:1::2' } as ReturnType<typeof att>])], [], 1);
  const name = '2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa';
  assert.deepEqual(resolve(c, c.networks[0]!, '10.1.0.9', name, 'PTR'), { kind: 'ptr', names: ['six'] });
});
