// A fuzz of unreadable state records (truncated, garbled, valid JSON of the
// wrong shape): container records, network records, leases, endpoint
// records, volume records and the image index. Every command either works or
// prints clear lines naming the file (never a stack trace), the other
// project keeps working, and `down -v` cleans up.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { leftovers, makeWorld, ps, teardown, type World } from './harness.js';

const compose = (name: string) => `name: ${name}
services:
  web:
    image: berth-examples/busybox:latest
    init: true
    command: ["sleep", "3000"]
    volumes: [data:/data]
volumes:
  data: {}
`;

const GARBLES: Array<[string, (text: string) => string]> = [
  ['truncated', (t) => t.slice(0, Math.floor(t.length / 2))],
  ['garbled', (t) => t.replace(/[":,]/g, (c, i: number) => (i % 3 === 0 ? '\u0000' : c === '"' ? "'" : c))],
  ['wrong shape', () => '[1, 2, 3]\n'],
];

function checkOutput(what: string, r: { status: number | null; signal: NodeJS.Signals | null; stderr: string }, mustWork: boolean): void {
  assert.equal(r.signal, null, `${what}: killed`);
  assert.doesNotMatch(r.stderr, /internal error|SyntaxError|TypeError|\n\s+at /, `${what}: a stack trace:\n${r.stderr}`);
  if (mustWork) assert.equal(r.status, 0, `${what}: must work:\n${r.stderr}`);
  else assert.ok(r.status === 0 || r.status === 1, `${what}: exit ${r.status}:\n${r.stderr}`);
  if (r.status !== 0) {
    // One error line, after the progress lines (indented) and at most one warning per unreadable file.
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('warning: unreadable record ') && !l.startsWith(' '));
    assert.equal(lines.length, 1, `${what}: one error line: ${JSON.stringify(lines)}\n${r.stderr}`);
  }
}

test('unreadable state records: every command works or says which file, and down cleans up', { skip: !isRoot, timeout: 600_000 }, (t) => {
  const w: World = makeWorld();
  const [a, b] = [`ca${shortId(6)}`, `cb${shortId(6)}`];
  const fa = join(w.root, 'a.yaml');
  const fb = join(w.root, 'b.yaml');
  writeFileSync(fa, compose(a));
  writeFileSync(fb, compose(b));
  const A = ['-f', fa];
  const B = ['-f', fb];
  t.after(() => { teardown(w, B); teardown(w, A); });
  const seen = new Set<string>();
  w.ok([...B, 'up', '-d']);
  for (const c of ps(w, B)) seen.add(c.ID);

  const netDir = join(w.root, 'networks');
  const netOf = (project: string) => readdirSync(netDir).filter((f) => f.endsWith('.json'))
    .find((f) => readFileSync(join(netDir, f), 'utf8').includes(`"${project}_default"`))!.slice(0, -5);
  const kinds: Array<[string, () => string]> = [
    ['container record', () => join(w.root, 'containers', ps(w, A)[0]!.ID, 'config.json')],
    ['network record', () => join(netDir, `${netOf(a)}.json`)],
    ['leases', () => join(netDir, 'leases', `${netOf(a)}.json`)],
    ['endpoint record', () => join(netDir, 'endpoints', `${ps(w, A)[0]!.ID}.json`)],
    ['volume record', () => join(w.root, 'volumes', `${a}_data`, 'volume.json')],
    ['image index', () => join(w.root, 'images', 'refs.json')],
  ];
  assert.ok(existsSync(join(w.root, 'images', 'refs.json')), 'the image index is where the test expects it');

  // Every garble for the container record; one each (in turn) for the others, to keep the run short.
  for (const [k, [kind, locate]] of kinds.entries()) {
    for (const [how, garble] of k === 0 ? GARBLES : [GARBLES[k % GARBLES.length]!]) {
      const what = `${kind} ${how}`;
      w.ok([...A, 'up', '-d']);
      for (const c of ps(w, A)) seen.add(c.ID);
      const aNet = netOf(a);
      const file = locate();
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, garble(original));
      // The other project is not affected by what is broken in this one (the image index is shared: it may say so).
      const shared = kind === 'image index';
      checkOutput(`${what}: other project ps`, w.berth([...B, 'ps', '-a']), true);
      checkOutput(`${what}: other project up`, w.berth([...B, 'up', '-d']), !shared);
      for (const args of [['ps', '-a'], ['up', '-d'], ['logs'], ['stop', '-t', '0'], ['start']]) {
        checkOutput(`${what}: ${args.join(' ')}`, w.berth([...A, ...args]), kind === 'container record' && args[0] !== 'logs');
      }
      for (const args of [['volume', 'ls'], ['network', 'ls'], ['ls', '-a'], ['image', 'ls']]) checkOutput(`${what}: ${args.join(' ')}`, w.berth(args), !shared);
      if (shared) writeFileSync(file, original); // the images are needed to go on; down must work either way
      checkOutput(`${what}: down`, w.berth([...A, 'down', '-v', '-t', '0']), true);
      // What down could not know as the project's (an unreadable network or volume record) goes by name.
      if (kind === 'network record') checkOutput(`${what}: network rm`, w.berth(['network', 'rm', aNet]), true);
      if (kind === 'volume record') checkOutput(`${what}: volume rm`, w.berth(['volume', 'rm', `${a}_data`]), true);
      assert.deepEqual(ps(w, A), [], `${what}: no container left`);
      assert.equal(ps(w, B).filter((c) => c.State === 'running').length, 1, `${what}: the other project runs on`);
    }
  }
  w.ok([...B, 'down', '-v', '-t', '0']);
  assert.deepEqual(leftovers(w, [...seen]), []);
});
