// Real-world Compose files (test/conformance/<case>/) loaded by `berth config
// --format json` must give what compose-go (docker compose v2.37) gives for
// them: each case's expected.json, with the case directory written
// `<project-dir>`. The README there names each file's source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/env.js';
import { berth } from './helpers.js';

const corpus = join(repoRoot, 'test/conformance');
const cases = readdirSync(corpus, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

test('the corpus has its cases', () => {
  assert.ok(cases.length >= 15, `only ${cases.length} cases in ${corpus}`);
  const readme = readFileSync(join(corpus, 'README.md'), 'utf8');
  for (const c of cases) assert.match(readme, new RegExp(`\\b${c}\\b`), `README.md names no source for ${c}`);
});

for (const c of cases) {
  test(`config --format json: ${c}`, () => {
    const dir = join(corpus, c);
    const expectedFile = join(dir, 'expected.json');
    assert.ok(existsSync(expectedFile), `${c} has no expected.json`);
    const r = berth(['config', '--format', 'json'], dir);
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout.split(dir).join('<project-dir>'));
    assert.deepEqual(got, JSON.parse(readFileSync(expectedFile, 'utf8')));
  });
}
