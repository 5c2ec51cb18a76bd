import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EntryJoiner, parseEntry } from '../../../src/logs/entry.js';

describe('json-file entries', () => {
  it('parses a line and strips its newline', () => {
    assert.deepEqual(parseEntry('{"log":"hello \\"x\\"\\n","stream":"stderr","time":"2026-11-23T10:00:00.1Z"}'),
      { time: '2026-11-23T10:00:00.100000000Z', stream: 'stderr', text: 'hello "x"', partial: false });
  });

  it('skips torn and foreign lines', () => {
    for (const l of ['', '{"log":"x', '[]', 'null', '{"log":1,"time":"t"}', '{"stream":"stdout"}']) assert.equal(parseEntry(l), undefined, l);
  });

  it('joins split entries per stream, keeping the first part\'s time', () => {
    const j = new EntryJoiner();
    const e = (log: string, stream: string, t: string) => parseEntry(JSON.stringify({ log, stream, time: `2026-11-23T10:00:0${t}.000000000Z` }))!;
    assert.equal(j.push(e('aaa', 'stdout', '1')), undefined);
    assert.deepEqual(j.push(e('err\n', 'stderr', '2')), { time: '2026-11-23T10:00:02.000000000Z', stream: 'stderr', text: 'err', partial: false });
    assert.equal(j.push(e('bbb', 'stdout', '3')), undefined);
    assert.deepEqual(j.push(e('ccc\n', 'stdout', '4')), { time: '2026-11-23T10:00:01.000000000Z', stream: 'stdout', text: 'aaabbbccc', partial: false });
    assert.equal(j.push(e('tail', 'stdout', '5')), undefined);
    assert.deepEqual(j.flush(), [{ time: '2026-11-23T10:00:05.000000000Z', stream: 'stdout', text: 'tail', partial: false }]);
    assert.deepEqual(j.flush(), []);
  });
});
