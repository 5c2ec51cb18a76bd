// The firewall check's memory (src/network/firewall/checked.ts): networks
// found intact are skipped only while the nftables generation is the one the
// check saw, in this boot, namespace and table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot, shortId, tempDir } from '../../helpers/env.js';
import { firewallCheck } from '../../../src/network/firewall/checked.js';
import { nftGeneration } from '../../../src/native/nftables.js';

const nft = (args: string[]) => {
  const r = spawnSync('nft', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
};

test('firewall check: intact until the ruleset changes, carried along by our own transactions; another table, boot or namespace does not count', { skip: !isRoot && 'needs root' }, () => {
  const dir = tempDir('berth-fw-checked-');
  const table = `bfc${shortId(6)}`;
  try {
    const before = nftGeneration();
    nft(['add', 'table', 'inet', table]);
    assert.ok(nftGeneration() > before, 'a commit bumps the generation');

    assert.equal(firewallCheck(dir.path, table).intact(['n1']), false, 'nothing checked yet');
    firewallCheck(dir.path, table).found(['n1']);
    const check = firewallCheck(dir.path, table);
    assert.equal(check.intact(['n1']), true);
    assert.equal(check.intact(['n1', 'n2']), false, 'n2 was never checked');
    check.found(['n2']);
    assert.equal(firewallCheck(dir.path, table).intact(['n1', 'n2']), true, 'found networks add up within one generation');
    assert.equal(firewallCheck(dir.path, `${table}x`).intact(['n1']), false, 'another table');

    // Any change of any table (a reload, another tool, a chain flushed) makes it list again.
    nft(['add', 'chain', 'inet', table, 'c']);
    assert.equal(firewallCheck(dir.path, table).intact(['n1']), false, 'the ruleset changed');
    firewallCheck(dir.path, table).found(['n1']);
    assert.equal(firewallCheck(dir.path, table).intact(['n2']), false, 'a new generation starts a new list');

    // Our own transaction moves the record along when it was the only commit since.
    firewallCheck(dir.path, table).found(['n1', 'n2']);
    let at = nftGeneration();
    nft(['add', 'chain', 'inet', table, 'ours']);  // standing in for berth's transaction
    firewallCheck(dir.path, table).committed(at, { intact: ['n3'], gone: ['n1'] });
    let check2 = firewallCheck(dir.path, table);
    assert.equal(check2.intact(['n2', 'n3']), true, 'carried to the new generation, with what the transaction set up');
    assert.equal(check2.intact(['n1']), false, 'what the transaction removed is no longer intact');
    // Another commit between ours and the check: the chain is broken.
    at = nftGeneration();
    nft(['add', 'chain', 'inet', table, 'ours2']);
    nft(['add', 'chain', 'inet', table, 'theirs']);
    firewallCheck(dir.path, table).committed(at, { intact: ['n4'] });
    check2 = firewallCheck(dir.path, table);
    assert.equal(check2.intact(['n2']), false, 'someone else committed too: list again');
    // A transaction that began at another generation than the record's does not move it.
    firewallCheck(dir.path, table).found(['n2']);
    nft(['add', 'chain', 'inet', table, 'theirs2']);
    at = nftGeneration();
    nft(['add', 'chain', 'inet', table, 'ours3']);
    firewallCheck(dir.path, table).committed(at, {});
    assert.equal(firewallCheck(dir.path, table).intact(['n2']), false, 'the record was stale before our transaction');

    // A record from another boot (generations restart at zero) never matches.
    const file = join(dir.path, '.firewall-checked.json');
    const rec = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...rec, boot: '00000000-0000-0000-0000-000000000000' }));
    assert.equal(firewallCheck(dir.path, table).intact(['n1']), false, 'another boot');
    writeFileSync(file, JSON.stringify({ ...rec, netns: 'net:[1]' }));
    assert.equal(firewallCheck(dir.path, table).intact(['n1']), false, 'another namespace');
    writeFileSync(file, '{"generation":');
    assert.equal(firewallCheck(dir.path, table).intact(['n1']), false, 'a damaged record');
  } finally {
    spawnSync('nft', ['delete', 'table', 'inet', table]);
    dir.cleanup();
  }
});
