import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDnsConfig, dnsConfigText, parseUpstream } from '../../../src/network/dns/records.js';
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

test('records: names per network, and the responder line format (hostile tokens left out)', () => {
  const cfg = buildDnsConfig([A, B], [
    ep('c1', 'P-Web-1', ['web'], [att(A, '10.1.0.2', ['www.'], ['db:database', 'cache'])]),
    ep('0123456789abcdef', 'p-db-1', ['db', 'bad name', 'evil\nnetwork x 1'], [att(B, '10.2.0.2')]),
  ], ['127.0.0.1:5300', '[fd00::53]:54', 'fd00::1', '192.0.2.9', 'dns.example:53'], 7);
  assert.deepEqual(cfg.networks[0]!.entries[0], { containerId: 'c1', names: ['p-web-1', 'web', 'www'], ipv4: '10.1.0.2', ipv6: undefined,
    links: [{ alias: 'database', target: 'db' }, { alias: 'cache', target: 'cache' }] });
  assert.deepEqual(cfg.networks[1]!.entries[0]!.names, ['p-db-1', 'db', 'bad name', 'evil\nnetwork x 1', '0123456789ab']);
  assert.equal(dnsConfigText(cfg), [
    'berth-dns-config 1', 'generation 7',
    'upstream 127.0.0.1 5300', 'upstream fd00::53 54', 'upstream fd00::1 53', 'upstream 192.0.2.9 53',
    `network ${'a'.repeat(64)} 0`, 'gateway 10.1.0.1',
    'entry c1 10.1.0.2 -', 'name p-web-1', 'name web', 'name www', 'link database db', 'link cache cache',
    `network ${'b'.repeat(64)} 1`, 'gateway 10.2.0.1',
    'entry 0123456789abcdef 10.2.0.2 -', 'name p-db-1', 'name db', 'name 0123456789ab',
    'end', '',
  ].join('\n'));
  assert.deepEqual(parseUpstream('[::1]'), ['::1', 53]);
  assert.equal(parseUpstream('10.0.0.1:99999'), undefined);
});

test('resolv.conf: the berth responder stays the nameserver with dns set; search/options from dns_search/dns_opt or the host; ndots:0 as Docker', () => {
  const host = 'nameserver 127.0.0.53\nsearch corp.example\noptions edns0\n';
  assert.equal(resolvConf({ nameservers: ['10.1.0.1'], hostResolvConf: host }), 'nameserver 10.1.0.1\nsearch corp.example\noptions edns0 ndots:0\n');
  assert.equal(resolvConf({ nameservers: ['10.1.0.1'], dns: ['9.9.9.9', '192.0.2.1'], dnsSearch: ['a.test'], dnsOpt: ['ndots:2', 'timeout:1'], hostResolvConf: host }),
    'nameserver 10.1.0.1\nsearch a.test\noptions ndots:2 timeout:1\n\n# ExtServers: [9.9.9.9 192.0.2.1]\n', 'an ndots given is kept');
  assert.equal(resolvConf({ nameservers: ['10.1.0.1'], dns: ['9.9.9.9'], dnsOpt: ['edns0'], hostResolvConf: '' }),
    'nameserver 10.1.0.1\noptions edns0 ndots:0\n\n# ExtServers: [9.9.9.9]\n');
  // Not on a berth network (no responder): dns are the nameservers, loopback host servers are left out.
  assert.equal(resolvConf({ nameservers: [], dns: ['9.9.9.9'], hostResolvConf: host }), 'nameserver 9.9.9.9\nsearch corp.example\noptions edns0\n');
  assert.equal(resolvConf({ nameservers: [], hostResolvConf: 'nameserver 127.0.0.53\nnameserver 192.0.2.53\n' }), 'nameserver 192.0.2.53\n');
  assert.throws(() => resolvConf({ nameservers: [], dns: ['nope'] }), /invalid nameserver/);
  assert.throws(() => resolvConf({ nameservers: ['10.1.0.1'], dns: ['nope'] }), /invalid nameserver/);
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
    const paths = statePaths(t.path, {});
    new NetworkStore(paths).saveEndpoint(ep('c9', 'web-1', ['web'], [{ ...att(A, '10.1.0.7'), gateway4: '10.1.0.1' } as ReturnType<typeof att>]));
    const f = containerFiles(paths, 'c9', { hostname: 'web1', extra_hosts: ['gw:host-gateway'], dns_search: ['svc.test'], hostResolvConf: 'options edns0\n' });
    assert.equal(f.resolvConf, 'nameserver 10.1.0.1\nsearch svc.test\noptions edns0 ndots:0\n');
    assert.match(f.hosts, /\n10\.1\.0\.1\tgw\n/);
    assert.match(f.hosts, /\n10\.1\.0\.7\tweb1\n$/);
    assert.equal(f.hostname, 'web1\n');
  } finally {
    t.cleanup();
  }
});

