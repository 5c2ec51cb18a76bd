// berth next to dockerd, firewalld or plain iptables rules: inside a
// namespace standing in for the host, the FORWARD policy is DROP
// (iptables-nft, as dockerd sets it), br_netfilter sends bridged frames
// through FORWARD, INPUT drops what it does not know and another tool's rules
// are there. A web -> api stack then works unchanged: the page from the host,
// web -> api by name through DNS, an alias, a container on two networks,
// hairpin through a published port, out to the host's upstream, a published
// port from a neighbour. (busybox-static's `wget -T` crashes: `timeout` bounds it instead.) Removing berth's accept rules breaks it (so they are
// what passes the packets), `up` puts them back, `down` removes exactly them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isRoot, repoRoot, shortId } from '../../helpers/env.js';
import { dockerLikeHost, hasIptables, iptablesRules, makeHostNs } from './host-ns.js';
import { checkStack, eventually, writeProject } from './stack.js';

test('coexistence: FORWARD DROP (iptables-nft), br_netfilter, INPUT DROP: the stack works, berth adds and removes only its own rules',
  { skip: (!isRoot && 'needs root') || (!hasIptables && 'iptables (Debian package iptables) is not installed'), timeout: 180_000 }, async () => {
    const h = await makeHostNs();
    const project = `cx${shortId(6)}`;
    const file = writeProject(h, project);
    const base = ['-p', project, '-f', file];
    const exec = (svc: string, cmd: string[]) => [join(repoRoot, 'bin/berth'), ...base, 'exec', '-T', svc, ...cmd];
    try {
      dockerLikeHost(h);
      const foreignBefore = iptablesRules(h, 'FORWARD');
      h.ok([...base, 'up', '-d']);

      // Berth's accepts sit at the top of FORWARD (ahead of the DROP policy), the policy and the other rules untouched.
      const fwd = iptablesRules(h, 'FORWARD');
      assert.equal(fwd[0], '-P FORWARD DROP');
      const ours = fwd.filter((l) => l.includes(`--comment "berth ${h.table} net:`));
      assert.equal(ours.length, 4, `two per network:\n${fwd.join('\n')}`);
      assert.deepEqual(fwd.filter((l) => !ours.includes(l)), foreignBefore);
      assert.equal(iptablesRules(h, 'INPUT').filter((l) => l.includes('--dport 53') && l.includes(`berth ${h.table}`)).length, 4, 'DNS on each gateway, tcp and udp');

      await checkStack(h, base);

      // Without berth's accepts the DROP policy stops the same traffic: they are what passes it.
      for (const rule of ours) assert.ok(h.run(['iptables', ...rule.replace(/^-A /, '-D ').match(/"[^"]*"|\S+/g)!.map((a) => a.replace(/^"|"$/g, ''))]).ok);
      const blocked = h.run(exec('web', ['timeout', '2', 'wget', '-qO-', 'http://api:8081/']), 10_000);
      assert.ok(!blocked.ok && !/hello from the api/.test(blocked.out), `dropped without berth's rules: ${blocked.out}`);
      // A dockerd or firewall reload that flushed them: the next `up` puts them back.
      h.ok([...base, 'up', '-d']);
      assert.equal(iptablesRules(h, 'FORWARD').filter((l) => l.includes(`berth ${h.table} net:`)).length, 4);
      await eventually(h, exec('web', ['timeout', '5', 'wget', '-qO-', 'http://api:8081/']), /hello from the api service/, 'repaired by up');

      h.ok([...base, 'down', '-v', '-t', '0']);
      assert.deepEqual(iptablesRules(h, 'FORWARD'), foreignBefore, 'down removes berth\'s rules and nothing else');
      assert.ok(!iptablesRules(h, 'INPUT').some((l) => l.includes('berth')));
      assert.ok(!h.run(['nft', 'list', 'tables']).out.includes(h.table));
    } finally {
      h.berth([...base, 'down', '-v', '-t', '0']);
      h.cleanup();
    }
  });
