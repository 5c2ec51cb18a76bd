import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combinedStatus } from '../../../src/cli/tools/ls-run.js';
import { bytesBinary, bytesDecimal, table } from '../../../src/cli/tools/table.js';
import { eventTime, formatEvent } from '../../../src/cli/tools/events-run.js';
import { diffEvents } from '../../../src/events/watch.js';
import { displayName } from '../../../src/logs/display-name.js';
import { psRow, PS_TITLES } from '../../../src/cli/tools/ps-columns.js';

describe('tool output helpers', () => {
  it('summarizes project states as Compose ls does', () => {
    assert.equal(combinedStatus(['running', 'exited', 'running']), 'exited(1), running(2)');
    assert.equal(combinedStatus([]), '');
  });

  it('formats tables and sizes like Docker', () => {
    assert.equal(table(['NAME', 'STATUS'], [['a', 'running(1)'], ['long-name', '']]), 'NAME        STATUS\na           running(1)\nlong-name\n');
    assert.equal(bytesBinary(1536 * 1024), '1.5MiB');
    assert.equal(bytesBinary(100), '100B');
    assert.equal(bytesDecimal(1234), '1.23kB');
  });

  it('describes a process with ps -ef columns', () => {
    const row = psRow(process.pid)!;
    assert.equal(row.length, PS_TITLES.length);
    assert.equal(row[1], String(process.pid));
    assert.equal(row[2], String(process.ppid));
    assert.match(row[4]!, /^\d\d:\d\d$|^[A-Z][a-z]{2}\d\d$/);
    assert.match(row[6]!, /^\d\d:\d\d:\d\d$/);
    assert.ok(row[7]!.includes('node'));
    assert.equal(psRow(2 ** 30), undefined);
  });

  it('names containers without their project', () => {
    assert.equal(displayName('demo-web-1', 'demo', 'web'), 'web-1');
    assert.equal(displayName('demo_web_1', 'demo', 'web'), 'web_1');
    assert.equal(displayName('custom', 'demo', 'web'), 'custom');
  });

  it('derives events from status changes', () => {
    const snap = (status: string, started: string | null = null, restarts = 0, health?: string) => ({ rec: {} as never, status, restarts, started, health });
    const obs = (exitCode = 0) => ({ status: 'exited' as const, shimAlive: false, state: { exitCode, finishedAt: null } as never });
    assert.deepEqual(diffEvents(undefined, snap('created'), obs()).map((e) => e.action), ['create']);
    assert.deepEqual(diffEvents(undefined, snap('running', 't1'), obs()).map((e) => e.action), ['create', 'start']);
    assert.deepEqual(diffEvents(snap('running', 't1'), snap('exited', 't1'), obs(3)).map((e) => [e.action, e.extra?.exitCode]), [['die', '3']]);
    assert.deepEqual(diffEvents(snap('running', 't1'), snap('running', 't2', 1), obs()).map((e) => e.action), ['die', 'restart']);
    assert.deepEqual(diffEvents(snap('running', 't1'), snap('paused', 't1'), obs()).map((e) => e.action), ['pause']);
    assert.deepEqual(diffEvents(snap('paused', 't1'), snap('running', 't1'), obs()).map((e) => e.action), ['unpause']);
    assert.deepEqual(diffEvents(snap('running', 't1', 0, 'starting'), snap('running', 't1', 0, 'healthy'), obs()).map((e) => e.action), ['health_status: healthy']);
  });

  it('prints events in Compose\'s text and JSON forms', () => {
    const e = { time: new Date(2026, 10, 23, 10, 0, 0, 123), type: 'container' as const, action: 'start', id: 'abc', service: 'web', attributes: { name: 'demo-web-1', image: 'busybox' } };
    assert.equal(eventTime(e.time), '2026-11-23 10:00:00.123000');
    assert.equal(formatEvent(e, false), '2026-11-23 10:00:00.123000 container start abc (name=demo-web-1, image=busybox)\n');
    assert.deepEqual(Object.keys(JSON.parse(formatEvent(e, true)) as object), ['time', 'type', 'service', 'id', 'action', 'attributes']);
  });
});
