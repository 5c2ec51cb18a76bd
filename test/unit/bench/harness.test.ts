// The bench harness (bench/harness.mjs): statistics, interleaved sampling,
// phases, failures, and berth/peer ratios. The README's performance table
// is made from what these produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../helpers/env.js';

interface Stats { min: number; median: number; max: number; n: number; phases?: Record<string, Stats> }
interface Variant { name: string; base?: string | null; run: () => unknown }
interface Harness {
  stats(xs: number[]): Stats;
  measure(opts: { reps?: number; warmup?: number; interleave?: boolean; stop?: () => boolean }, variants: Variant[]):
    Promise<{ results: Record<string, Stats>; failed: Record<string, string> }>;
  ratios(variants: Variant[], results: Record<string, Stats>): Record<string, Record<string, number | string | null>>;
}

const load = async (): Promise<Harness> => (await import(pathToFileURL(join(repoRoot, 'bench/harness.mjs')).href)) as Harness;

test('stats: min, median (upper middle), max and count, to 0.1 ms', async () => {
  const { stats } = await load();
  assert.deepEqual(stats([3, 1.04, 2, 10]), { min: 1, median: 3, max: 10, n: 4 });
  assert.deepEqual(stats([5]), { min: 5, median: 5, max: 5, n: 1 });
});

test('measure interleaves rounds, rotating the order, after warm-ups of each', async () => {
  const { measure } = await load();
  const order: string[] = [];
  const v = (name: string): Variant => ({ name, run: () => { order.push(name); } });
  const { results, failed } = await measure({ reps: 3, warmup: 1 }, [v('a'), v('b'), v('c')]);
  assert.deepEqual(order, ['a', 'b', 'c', 'a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b']);
  assert.deepEqual(Object.keys(results), ['a', 'b', 'c']);
  assert.equal(results.a.n, 3);
  assert.deepEqual(failed, {});
});

test('measure without interleaving runs each variant back to back', async () => {
  const { measure } = await load();
  const order: string[] = [];
  const v = (name: string): Variant => ({ name, run: () => { order.push(name); } });
  await measure({ reps: 2, warmup: 1, interleave: false }, [v('a'), v('b')]);
  assert.deepEqual(order, ['a', 'a', 'a', 'b', 'b', 'b']);
});

test('reported phases get their own statistics and the total is their sum', async () => {
  const { measure } = await load();
  let i = 0;
  const { results } = await measure({ reps: 3, warmup: 0 }, [{
    name: 'berth 5',
    // The untimed work between phases (a check) must not count.
    run: () => { const t = Date.now(); while (Date.now() - t < 20) { /* busy */ } i++; return { 'up -d': 10 * i, down: 1 }; },
  }]);
  const r = results['berth 5'];
  assert.deepEqual(r.phases?.['up -d'], { min: 10, median: 20, max: 30, n: 3 });
  assert.deepEqual(r.phases?.down, { min: 1, median: 1, max: 1, n: 3 });
  assert.deepEqual([r.min, r.median, r.max], [11, 21, 31]);
});

test('a variant that throws is recorded as failed, not timed, and not run again', async () => {
  const { measure } = await load();
  let runs = 0;
  const { results, failed } = await measure({ reps: 4, warmup: 1 }, [
    { name: 'berth', run: () => {} },
    { name: 'peer', run: () => { runs++; throw new Error('peer exploded\nsecond line\nthird\nfourth'); } },
  ]);
  assert.equal(runs, 1);
  assert.equal(failed.peer, 'peer exploded second line third');
  assert.equal(results.peer, undefined);
  assert.equal(results.berth.n, 4);
});

test('ratios: berth/peer medians per group and per phase; base null gives none', async () => {
  const { ratios } = await load();
  const s = (median: number, phases?: Record<string, number>): Stats => ({
    min: median, median, max: median, n: 1,
    ...(phases ? { phases: Object.fromEntries(Object.entries(phases).map(([k, m]) => [k, { min: m, median: m, max: m, n: 1 }])) } : {}),
  });
  const results = {
    'berth 5': s(1000, { 'up -d': 600, down: 400 }),
    'docker-compose 5': s(4000, { 'up -d': 3000, down: 1000 }),
    berth: s(200),
    node: s(100),
    other: s(800),
  };
  const variants: Variant[] = [
    { name: 'berth 5', base: 'berth 5', run: () => {} },
    { name: 'docker-compose 5', base: 'berth 5', run: () => {} },
    { name: 'berth', run: () => {} },
    { name: 'node', base: null, run: () => {} },
    { name: 'other', run: () => {} },
    { name: 'missing', run: () => {} },
  ];
  assert.deepEqual(ratios(variants, results), {
    'docker-compose 5': { base: 'berth 5', total: 0.25, 'up -d': 0.2, down: 0.4 },
    other: { base: 'berth', total: 0.25 },
  });
});

test('measure starts nothing once stop() says so (a signal is tearing the case down)', async () => {
  const { measure } = await load();
  let runs = 0;
  let stop = false;
  const { results } = await measure({ reps: 10, warmup: 0, stop: () => stop },
    [{ name: 'berth', run: () => { runs++; if (runs === 3) stop = true; } }]);
  assert.equal(runs, 3);
  assert.equal(results.berth.n, 3);
});
