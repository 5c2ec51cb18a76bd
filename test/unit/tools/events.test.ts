// The event journal (append, rotate-safe tail, torn lines), --filter as
// docker reads it, the oom before a die, and --format over docker's message.
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { tempDir } from '../../helpers/env.js';
import { journalPath, journalTail, readJournal, recordEvent } from '../../../src/events/journal.js';
import { parseEventFilters } from '../../../src/project/event-filter.js';
import { diffEvents, type ContainerEvent } from '../../../src/events/watch.js';
import { dockerMessage } from '../../../src/cli/tools/events-run.js';
import { parseGoTemplate } from '../../../src/cli/tools/go-template.js';

const ev = (over: Partial<ContainerEvent>): ContainerEvent => ({
  time: new Date(1_800_000_000_123), type: 'container', action: 'start', id: 'a'.repeat(64), service: 'web',
  attributes: { name: 'demo-web-1', image: 'busybox:1.36', tier: 'front' }, ...over,
});

describe('event journal', () => {
  const t = tempDir('berth-events-');
  after(t.cleanup);
  const paths = { root: t.path };

  it('appends, replays in order, and the tail sees only what came after it, whole lines only', () => {
    recordEvent(paths, { type: 'volume', action: 'create', id: 'v1', attributes: { driver: 'local' } });
    const tail = journalTail(paths);
    assert.deepEqual(tail(), []);
    recordEvent(paths, { type: 'network', action: 'connect', id: 'n1', attributes: { container: 'c1', name: 'demo_default', type: 'bridge' } });
    appendFileSync(journalPath(paths), '{"time":"2026-01-01T00:00:00.000Z","type":"volume","act');
    const got = tail();
    assert.deepEqual(got.map((e) => [e.type, e.action, e.id]), [['network', 'connect', 'n1']]);
    appendFileSync(journalPath(paths), 'ion":"destroy","id":"v1","attributes":{}}\n');
    assert.deepEqual(tail().map((e) => [e.action, e.id]), [['destroy', 'v1']], 'the torn line completes on the next read');
    assert.deepEqual(readJournal(paths).map((e) => e.action), ['create', 'connect', 'destroy']);
  });
});

describe('events --filter', () => {
  it('one key any value, several keys all; event matches the word before a colon', () => {
    assert.ok(parseEventFilters(['event=start', 'event=die'])(ev({})));
    assert.ok(!parseEventFilters(['event=start', 'type=network'])(ev({})));
    assert.ok(parseEventFilters(['event=exec_start'])(ev({ action: 'exec_start: sh -c true' })));
    assert.ok(parseEventFilters(['event=health_status'])(ev({ action: 'health_status: healthy' })));
    assert.ok(parseEventFilters(['container=demo-web-1'])(ev({})));
    assert.ok(parseEventFilters(['container=aaaa'])(ev({})), 'an id prefix');
    assert.ok(parseEventFilters(['image=busybox'])(ev({})), 'any tag of the repository');
    assert.ok(!parseEventFilters(['image=busybox:1.35'])(ev({})));
    assert.ok(parseEventFilters(['label=tier'])(ev({})) && parseEventFilters(['label=tier=front'])(ev({})));
    assert.ok(!parseEventFilters(['label=tier=back'])(ev({})));
    const net = ev({ type: 'network', action: 'connect', id: 'b'.repeat(64), service: '', attributes: { container: 'a'.repeat(64), name: 'demo_default', type: 'bridge' } });
    assert.ok(parseEventFilters(['network=demo_default', 'container=aaaaaa'])(net));
    assert.ok(parseEventFilters(['volume=v1'])(ev({ type: 'volume', action: 'create', id: 'v1', attributes: { driver: 'local' } })));
    assert.ok(parseEventFilters([])(net));
  });

  it('a malformed or unknown filter is an error naming it', () => {
    assert.throws(() => parseEventFilters(['event']), /invalid filter "event": expected key=value/);
    assert.throws(() => parseEventFilters(['colour=red']), /invalid filter "colour": valid keys are type, event, container/);
    assert.throws(() => parseEventFilters(['type=plugin']), /type is container, network or volume/);
  });
});

describe('events from the shims\' state', () => {
  it('an OOM kill is reported before its die', () => {
    const snap = (status: string) => ({ rec: {} as never, status, restarts: 0, started: 't1', health: undefined });
    const obs = { status: 'exited' as const, shimAlive: false, state: { exitCode: 137, oomKilled: true, finishedAt: 't2' } as never };
    assert.deepEqual(diffEvents(snap('running'), snap('exited'), obs).map((e) => e.action), ['oom', 'die']);
  });
});

describe('events --format', () => {
  it('reads docker\'s message: nested fields, json of the whole', () => {
    const m = dockerMessage(ev({}));
    const t = parseGoTemplate('{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.missing}} {{.time}}');
    assert.equal(t.render(m), 'container start demo-web-1 <no value> 1800000000');
    assert.deepEqual(Object.keys(m), ['status', 'id', 'from', 'Type', 'Action', 'Actor', 'scope', 'time', 'timeNano']);
    assert.equal(m.timeNano, 1_800_000_000_123_000_000);
  });
});
