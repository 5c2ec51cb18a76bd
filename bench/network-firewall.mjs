// Times the firewall part of creating and removing a network (what `network
// create`/`rm` spend in nft), N rounds, inside the current network namespace:
// run it under `unshare -n` (see network-create.sh). Side by side for two
// builds: node bench/network-firewall.mjs <repo>/dist [rounds]
import { join, resolve } from 'node:path';
const dist = resolve(process.argv[2] ?? 'dist');
const N = Number(process.argv[3] ?? 30);
const { NftFirewall } = await import(join(dist, 'src/network/firewall/firewall.js'));
const fw = new NftFirewall(`benchfw${process.pid}`);
const net = (i) => ({ id: i.toString(16).padStart(64, '0'), name: `n${i}`, driver: 'bridge', bridge: `brb${i}`, mtu: 1500, internal: false,
  attachable: false, enableIpv6: false, labels: {}, options: {}, created: '', subnets: [{ family: 4, subnet: `10.77.${i % 250}.0/24`, gateway: `10.77.${i % 250}.1` }] });
const c = [], r = [];
for (let i = 1; i <= N; i++) {
  const n = net(i);
  const t0 = process.hrtime.bigint();
  await fw.setupNetwork(n, { fresh: true });
  const t1 = process.hrtime.bigint();
  const errs = await fw.teardownNetwork(n);
  const t2 = process.hrtime.bigint();
  if (errs.length) throw errs[0];
  c.push(Number(t1 - t0) / 1e6); r.push(Number(t2 - t1) / 1e6);
}
const med = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)].toFixed(1);
console.log(`setup (fresh) median ${med(c)} ms, best ${Math.min(...c).toFixed(1)} ms; teardown median ${med(r)} ms, best ${Math.min(...r).toFixed(1)} ms`);
