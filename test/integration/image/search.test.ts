// `image search` and `search` against the catalog of Debian's docker-registry on loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { berthBin, tempDir } from '../../helpers/env.js';
import { buildImage } from '../../helpers/images.js';
import { startRegistry } from '../../helpers/registry.js';
import { openImageStore } from '../../../src/image/image-store.js';
import { statePaths } from '../../../src/state/paths.js';

function berth(root: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const e = { ...process.env, ...env };
  if (!('BERTH_SEARCH_REGISTRY' in env)) delete e.BERTH_SEARCH_REGISTRY;
  return spawnSync(process.execPath, [berthBin, '--root', root, ...args], { encoding: 'utf8', env: e });
}

test('search lists the catalog\'s matching repositories: table, --limit, --format, --filter, default registry', async () => {
  const reg = await startRegistry();
  const a = tempDir('berth-search-');
  try {
    const store = openImageStore(statePaths(a.path, {}).images);
    const names = ['team/alpha', 'team/beta', 'tools/alphabet', 'zeta/alpha-old'];
    await buildImage(store, [[{ name: 'f', body: 'x' }]], names.map((n) => `${reg.host}/${n}:1`));
    for (const n of names) {
      const p = berth(a.path, ['image', 'push', `${reg.host}/${n}:1`]);
      assert.equal(p.status, 0, p.stderr);
    }
    const r = berth(a.path, ['image', 'search', `${reg.host}/alpha`]);
    assert.equal(r.status, 0, r.stderr);
    const w = `${reg.host}/tools/alphabet`.length;
    assert.equal(r.stdout, [
      `${'NAME'.padEnd(w)}   DESCRIPTION   STARS   OFFICIAL`,
      ...['team/alpha', 'tools/alphabet', 'zeta/alpha-old'].map((n) => `${`${reg.host}/${n}`.padEnd(w)}                 0`),
      '',
    ].join('\n'));
    assert.equal(berth(a.path, ['search', '--limit', '1', '--format', '{{.Name}}', `${reg.host}/alpha`]).stdout, `${reg.host}/team/alpha\n`);
    assert.equal(berth(a.path, ['search', '--format', 'table {{.Name}}\\t{{.StarCount}}', `${reg.host}/beta`]).stdout,
      `${'NAME'.padEnd(`${reg.host}/team/beta`.length + 3)}STARS\n${reg.host}/team/beta   0\n`);
    const json = berth(a.path, ['search', '--format', 'json', `${reg.host}/beta`]).stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(json, [{ Name: `${reg.host}/team/beta`, Description: '', StarCount: 0, IsOfficial: false, IsAutomated: false }]);
    assert.equal(berth(a.path, ['search', '--filter', 'stars=1', '--format', '{{.Name}}', `${reg.host}/alpha`]).stdout, '');
    assert.equal(berth(a.path, ['search', '--filter', 'is-official=false', '--format', '{{.Name}}', `${reg.host}/ALPHA`]).stdout.split('\n').length, 4, 'three matches, whatever the case');
    // The configured default registry, for a bare term.
    assert.equal(berth(a.path, ['search', '--format', '{{.Name}}', 'beta'], { BERTH_SEARCH_REGISTRY: reg.host }).stdout, `${reg.host}/team/beta\n`);

    const noRegistry = berth(a.path, ['search', 'alpha']);
    assert.equal(noRegistry.status, 15);
    assert.match(noRegistry.stderr, /host:port\/alpha or set BERTH_SEARCH_REGISTRY/);
    assert.equal(berth(a.path, ['search', '--filter', 'size=3', `${reg.host}/a`]).status, 15);
    assert.equal(berth(a.path, ['search', '--format', '{{.Nope}}', `${reg.host}/a`]).status, 15);
    assert.equal(berth(a.path, ['search', '--limit', '0', `${reg.host}/a`]).status, 15);
  } finally {
    await reg.stop();
    a.cleanup();
  }
});
