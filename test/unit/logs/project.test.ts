// projectLogs over hand-made container records and json-file logs: the
// selection by labels, the time-ordered multiplexing, rotated files, split
// lines, --tail/--since, Compose's coloured prefixes, and follow.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { followProject, projectLogs, type ProjectLogOptions } from '../../../src/logs/index.js';
import { LogPrinter } from '../../../src/cli/log-printer.js';
import { statePaths, type StatePaths } from '../../../src/state/paths.js';
import { tempDir } from '../../helpers/env.js';

const T = (s: number) => `2026-11-23T10:00:${String(s).padStart(2, '0')}.000000000Z`;
const line = (log: string, s: number, stream = 'stdout') => JSON.stringify({ log, stream, time: T(s) }) + '\n';

function record(sp: StatePaths, n: number, name: string, labels: Record<string, string>, created: number): string {
  const id = String(n).repeat(64).slice(0, 64);
  const dir = join(sp.containers, id);
  mkdirSync(dir, { recursive: true });
  const logPath = join(dir, `${id}-json.log`);
  // The fields a readable record must have (logs read only the labels and the log path).
  const rest = { image: {}, shim: {}, input: {}, process: { args: [] }, layers: {}, socket: join(dir, 'shim.sock'), rootfs: join(dir, 'rootfs') };
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ version: 1, id, name, created: T(created), labels, logPath, ...rest }));
  writeFileSync(logPath, '');
  return logPath;
}

const labels = (project: string, service: string, n: number, oneoff = false) => ({
  'com.docker.compose.project': project, 'com.docker.compose.service': service,
  'com.docker.compose.container-number': String(n), 'com.docker.compose.oneoff': oneoff ? 'True' : 'False',
});

describe('project logs', () => {
  const t = tempDir();
  const sp = statePaths(join(t.path, 'root'), {});
  let web1 = '';
  before(() => {
    const db = record(sp, 1, 'database', labels('demo', 'db', 1), 1);
    web1 = record(sp, 2, 'demo-web-1', labels('demo', 'web', 1), 2);
    const web2 = record(sp, 3, 'demo-web-2', labels('demo', 'web', 2), 3);
    const run = record(sp, 4, 'demo-web-run-0123456789ab', labels('demo', 'web', 1, true), 4);
    const other = record(sp, 5, 'other-web-1', labels('other', 'web', 1), 5);
    writeFileSync(web1 + '.1', line('w1-old\n', 1));
    writeFileSync(web1, line('w1-new\n', 4));
    writeFileSync(web2, line('w2-a\n', 2) + line('w2-', 5) + line('b\n', 6) + 'torn{"lo');
    writeFileSync(db, line('db-ready\n', 3, 'stderr'));
    writeFileSync(run, line('one-off\n', 1));
    writeFileSync(other, line('other project\n', 1));
  });
  after(() => t.cleanup());

  async function collect(o: Partial<ProjectLogOptions>, printer = new LogPrinter({ color: false, prefix: true, timestamps: false })): Promise<string> {
    let out = '';
    const p = new LogPrinter({ ...printer.o, write: (stream, text) => (out += stream === 'stderr' ? `E:${text}` : text) });
    await projectLogs(sp, 'demo', { ...o, onContainer: (_c, name) => p.add(name), onLine: (l) => p.print(l) });
    return out;
  }

  it('interleaves every container of the project by time, with Compose prefixes', async () => {
    const golden = [
      'web-1     | w1-old\n',
      'web-2     | w2-a\n',
      'E:database  | db-ready\n',
      'web-1     | w1-new\n',
      'web-2     | w2-b\n',
    ].join('');
    assert.equal(await collect({}), golden);
  });

  it('colours the prefixes in Compose\'s cycle and prints timestamps', async () => {
    const out = await collect({ services: ['web'] }, new LogPrinter({ color: true, prefix: true, timestamps: true }));
    assert.equal(out, [
      `\x1b[36mweb-1  | \x1b[0m${T(1)} w1-old\n`,
      `\x1b[33mweb-2  | \x1b[0m${T(2)} w2-a\n`,
      `\x1b[36mweb-1  | \x1b[0m${T(4)} w1-new\n`,
      `\x1b[33mweb-2  | \x1b[0m${T(5)} w2-b\n`,
    ].join(''));
  });

  it('applies --tail per container (into rotated files), --since, --until and --index', async () => {
    const noPrefix = new LogPrinter({ color: false, prefix: false, timestamps: false });
    // web-2's last two json lines are the two halves of one split line.
    assert.equal(await collect({ tail: 2 }, noPrefix), 'w1-old\nE:db-ready\nw1-new\nw2-b\n');
    assert.equal(await collect({ tail: 1, services: ['web'] }, noPrefix), 'w1-new\nb\n');
    assert.equal(await collect({ tail: 0 }, noPrefix), '');
    assert.equal(await collect({ since: T(3) }, noPrefix), 'E:db-ready\nw1-new\nw2-b\n');
    assert.equal(await collect({ until: T(2) }, noPrefix), 'w1-old\nw2-a\n');
    assert.equal(await collect({ index: 2 }, noPrefix), 'w2-a\nw2-b\n');
    assert.equal(await collect({ oneoff: true, services: ['web'], index: 1 }, noPrefix), 'w1-old\none-off\nw1-new\n');
  });

  it('follows new lines across a rotation and picks up a container created later', async () => {
    const ac = new AbortController();
    let out = '';
    const p = new LogPrinter({ color: false, prefix: true, timestamps: false, write: (_s, text) => (out += text) });
    const done = projectLogs(sp, 'demo', { services: ['web'], tail: 0, follow: true, pollMs: 20, signal: ac.signal, onContainer: (_c, n) => p.add(n), onLine: (l) => p.print(l) });
    const wait = async (what: string) => {
      for (let i = 0; i < 200 && !out.includes(what); i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(out.includes(what), `saw ${what} in ${JSON.stringify(out)}`);
    };
    appendFileSync(web1, line('after-1\n', 10));
    await wait('after-1');
    renameSync(web1 + '.1', web1 + '.2');
    appendFileSync(web1, line('before-rotate\n', 11));
    renameSync(web1, web1 + '.1');
    writeFileSync(web1, line('after-rotate\n', 12));
    await wait('after-rotate');
    const web3 = record(sp, 6, 'demo-web-3', labels('demo', 'web', 3), 6);
    appendFileSync(web3, line('late\n', 13));
    await wait('late');
    ac.abort();
    await done;
    assert.equal(out, 'web-1  | after-1\nweb-1  | before-rotate\nweb-1  | after-rotate\nweb-3  | late\n');
  });

  it('reads on demand through onFollow, from `since` on (what attached up uses)', async () => {
    const ac = new AbortController();
    let out = '';
    let pollNow = () => {};
    const p = new LogPrinter({ color: false, prefix: true, timestamps: false, write: (_s, text) => (out += text) });
    const done = followProject(sp, 'demo', {
      services: ['web'], since: T(20), pollMs: 60_000, signal: ac.signal,
      onContainer: (_c, n) => p.add(n), onLine: (l) => p.print(l), onFollow: (f) => { pollNow = f; },
    });
    assert.equal(out, '', 'nothing logged before since');
    appendFileSync(web1, line('earlier-run\n', 19) + line('this-run\n', 21) + line('torn\n', 22).slice(0, 12));
    pollNow();
    assert.equal(out, 'web-1  | this-run\n', 'read at once, without waiting for the poll period; the torn line waits');
    p.notice('web-1', 'exited with code 0');
    ac.abort();
    await done;
    pollNow(); // once following has ended: nothing
    assert.equal(out, 'web-1  | this-run\nweb-1 exited with code 0\n');
  });
});
