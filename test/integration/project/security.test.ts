// security_opt, group_add and oom_score_adj on real containers, read from
// /proc inside them: no-new-privileges sets NoNewPrivs, seccomp=unconfined
// turns the filter off, a Docker-format profile file (relative to the
// project directory) is loaded and filtered by capability, apparmor/label
// options this host cannot honour are one clear error that creates nothing,
// group_add adds groups to the user's own from the image's /etc/group, and a
// refused negative oom_score_adj is a warning, not a failure.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId, tempDir } from '../../helpers/env.js';
import { makeBusyboxRootfs } from '../../helpers/rootfs.js';
import { hostLsm } from '../../../src/container/security-opts.js';
import { leftovers, makeWorld, ps, teardown, type World } from './harness.js';

const svc = (name: string, extra: string, cmd = '["sleep", "300"]') => `  ${name}:
    image: berth-examples/busybox:latest
    stop_signal: SIGKILL
    command: ${cmd}
${extra}`;

const COMPOSE = `services:
${svc('plain', '')}
${svc('nnp', '    security_opt: ["no-new-privileges:true"]\n')}
${svc('nnpbare', '    security_opt: ["no-new-privileges"]\n')}
${svc('unconfined', '    security_opt: ["seccomp:unconfined", "systempaths=unconfined"]\n')}
${svc('profile', '    security_opt: ["seccomp=profiles/no-mkdir.json"]\n', '["sh", "-c", "mkdir /tmp/made; echo mkdir=$$?; touch /tmp/f; rm /tmp/f; echo rm=$$?; exec sleep 300"]')}
  groups:
    image: berth-test/groups:${'${TAG}'}
    stop_signal: SIGKILL
    command: ["sleep", "300"]
    user: app
    group_add: [nogroup, "4242"]
${svc('oom', '    oom_score_adj: 500\n')}
${svc('oomneg', '    oom_score_adj: -100\n')}
`;

// Docker's format: archMap, a rule for everyone and one only for holders of
// CAP_SYS_ADMIN (which these containers lack: unlink stays allowed).
const PROFILE = {
  defaultAction: 'SCMP_ACT_ALLOW',
  archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }, { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] }],
  syscalls: [
    { names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, args: [] },
    { names: ['unlink', 'unlinkat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, includes: { caps: ['CAP_SYS_ADMIN'] } },
  ],
};

function status(w: World, base: string[], service: string): Record<string, string> {
  const r = w.berth([...base, 'exec', '-T', service, 'cat', '/proc/1/status', '/proc/1/oom_score_adj']);
  assert.equal(r.status, 0, `exec ${service}: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  const out = Object.fromEntries(lines.filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
  out.oom_score_adj = lines[lines.length - 1]!.trim();
  return out;
}

test('security_opt, group_add and oom_score_adj in real containers', { skip: !isRoot, timeout: 180_000 }, (t) => {
  const w = makeWorld();
  const project = `sec${shortId(6)}`;
  const file = join(w.root, 'compose.yaml');
  const rootfs = tempDir();
  const base = ['-p', project, '-f', file];
  t.after(() => { teardown(w, base); rootfs.cleanup(); });
  w.env.TAG = shortId(6);
  writeFileSync(file, COMPOSE);
  mkdirSync(join(w.root, 'profiles'));
  writeFileSync(join(w.root, 'profiles/no-mkdir.json'), JSON.stringify(PROFILE));
  w.ok(['image', 'import', makeBusyboxRootfs(join(rootfs.path, 'fs')), `berth-test/groups:${w.env.TAG}`]);

  const up = w.ok([...base, 'up', '-d']);
  assert.match(up, /warning: service "oomneg": oom_score_adj -100: .*CAP_SYS_RESOURCE/, 'a refused negative oom_score_adj is said, once');
  assert.deepEqual(ps(w, base).filter((c) => c.State !== 'running').map((c) => c.Service), [], 'everything runs');

  const plain = status(w, base, 'plain');
  assert.equal(plain.NoNewPrivs, '0');
  assert.equal(plain.Seccomp, '2', 'the default profile is on');
  assert.equal(status(w, base, 'nnp').NoNewPrivs, '1');
  assert.equal(status(w, base, 'nnpbare').NoNewPrivs, '1');
  assert.equal(status(w, base, 'unconfined').Seccomp, '0');
  assert.equal(w.ok([...base, 'exec', '-T', 'unconfined', 'sh', '-c', 'grep -c " /proc/kcore " /proc/self/mountinfo || true']).trim(), '0', 'systempaths=unconfined: nothing masked');
  assert.equal(status(w, base, 'profile').Seccomp, '2');
  const logs = w.ok([...base, 'logs', '--no-log-prefix', 'profile']);
  assert.match(logs, /mkdir=1/, `the profile refuses mkdir: ${logs}`);
  assert.match(logs, /Permission denied/, 'with its errnoRet (EACCES)');
  assert.match(logs, /rm=0/, 'a rule for CAP_SYS_ADMIN holders only does not apply');

  const g = status(w, base, 'groups');
  assert.equal(g.Uid!.split(/\s+/)[0], '1000');
  assert.deepEqual(g.Groups!.split(/\s+/).sort(), ['2000', '4242', '65534'], 'the user\'s own group (extra) plus group_add by name and number');
  assert.equal(status(w, base, 'oom').oom_score_adj, '500');
  assert.equal(plain.oom_score_adj, '0');

  // Options this host cannot honour: one clear error, nothing created.
  const lsm = hostLsm();
  const bad: Array<[string, RegExp]> = [
    ['["no-new-privileges:maybe"]', /security_opt "no-new-privileges:maybe": want/],
    ['["seccomp=profiles/missing.json"]', /security_opt seccomp=.*profiles\/missing\.json: no such file/],
    ['["bogus=1"]', /security_opt "bogus=1": unknown option/],
  ];
  if (!lsm.apparmor) bad.push(['["apparmor=docker-default"]', /security_opt "apparmor=docker-default": AppArmor is not enabled on this host/]);
  if (!lsm.selinux) bad.push(['["label=type:svirt_apache_t"]', /security_opt "label=type:svirt_apache_t": SELinux is not enabled on this host/]);
  for (const [opt, re] of bad) {
    const p2 = `${project}b`;
    const f2 = join(w.root, 'bad.yaml');
    writeFileSync(f2, `services:\n${svc('x', `    security_opt: ${opt}\n`)}`);
    const r = w.berth(['-p', p2, '-f', f2, 'up', '-d']);
    assert.notEqual(r.status, 0, `${opt} is refused`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.match(r.stderr, /^service "x": security_opt/);
    assert.deepEqual(ps(w, ['-p', p2, '-f', f2]), [], 'no container left');
    assert.doesNotMatch(w.ok(['network', 'ls']), new RegExp(`${p2}_default`), 'no network made');
  }
  w.ok([...base, 'down', '-t', '0']);
  assert.deepEqual(leftovers(w, []).filter((l) => !l.startsWith('volume')), []);
  assert.deepEqual(readdirSync(join(w.root, 'containers')).filter((n) => !n.startsWith('.')), []);
});
