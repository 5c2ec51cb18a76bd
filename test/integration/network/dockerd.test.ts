// berth beside a real dockerd, both inside a namespace standing in for the
// host (dockerd with its own --data-root, --exec-root, pidfile and socket, in
// a private mount namespace with its own /etc/docker; never in the host's
// namespaces). dockerd turns forwarding on there, so it sets the FORWARD
// policy to DROP and adds its chains and docker0 (172.17.0.0/16). berth's
// subnets avoid docker0's, the stack works, and `down` leaves dockerd's
// rules exactly as they were. Skipped with a notice where dockerd is not
// installed (Debian package docker.io; BERTH_TEST_DOCKER_BIN names a directory
// holding dockerd and containerd otherwise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { isRoot, shortId } from '../../helpers/env.js';
import { hasIptables, iptablesRules, makeHostNs, type HostNs } from './host-ns.js';
import { checkStack, writeProject } from './stack.js';

const PATH = [process.env.BERTH_TEST_DOCKER_BIN, process.env.PATH].filter(Boolean).join(':');
const hasDockerd = spawnSync('sh', ['-c', 'command -v dockerd && command -v containerd'], { env: { ...process.env, PATH } }).status === 0;
const skip = (!isRoot && 'needs root') || (!hasIptables && 'iptables is not installed')
  || (!hasDockerd && 'dockerd is not installed (Debian package docker.io), the real-dockerd coexistence test is skipped');

/** Starts dockerd inside the stand-in host; resolves once it has set up its firewall. */
async function startDockerd(h: HostNs, dir: string): Promise<{ pidfile: string }> {
  mkdirSync(dir, { recursive: true });
  const pidfile = join(dir, 'docker.pid');
  const cmd = `mount -t tmpfs tmpfs /etc/docker && exec dockerd --data-root ${dir}/data --exec-root ${dir}/exec --pidfile ${pidfile}`
    + ` -H unix://${dir}/docker.sock --containerd-namespace berth-test --log-level warn >${dir}/dockerd.log 2>&1`;
  h.spawnIn(['unshare', '-m', '--propagation', 'private', 'sh', '-c', cmd], { PATH });
  for (const deadline = Date.now() + 30_000; ;) {
    const fwd = h.run(['iptables', '-S', 'FORWARD']).out;
    if (fwd.includes('-P FORWARD DROP') && fwd.includes('DOCKER-USER') && h.run(['ip', '-br', 'addr', 'show', 'docker0']).out.includes('172.17.0.1')) break;
    if (Date.now() > deadline) assert.fail(`dockerd did not set up its firewall:\n${fwd}\n${readLog(dir)}`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
  return { pidfile };
}

const readLog = (dir: string) => { try { return readFileSync(join(dir, 'dockerd.log'), 'utf8').slice(-2000); } catch { return ''; } };

async function stopDockerd(pidfile: string): Promise<void> {
  if (!existsSync(pidfile)) return;
  const pid = Number(readFileSync(pidfile, 'utf8'));
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
    try { process.kill(pid, 0); } catch { return; }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  process.kill(pid, 'SIGKILL');
}

test('coexistence with a real dockerd in the stand-in host', { skip, timeout: 240_000 }, async () => {
  const h = await makeHostNs();
  const project = `dk${shortId(6)}`;
  const file = writeProject(h, project);
  const base = ['-p', project, '-f', file];
  const dir = join(h.root, '..', 'docker');
  let pidfile = '';
  try {
    // As on a host that boots with forwarding off: dockerd turns it on and sets FORWARD to DROP.
    assert.ok(h.run(['sh', '-c', 'echo 0 > /proc/sys/net/ipv4/ip_forward']).ok);
    ({ pidfile } = await startDockerd(h, dir));
    const dockerRules = iptablesRules(h, 'FORWARD');
    const dockerNat = h.run(['iptables', '-t', 'nat', '-S']).out;

    h.ok([...base, 'up', '-d']);
    const records = readdirSync(join(h.root, 'networks')).filter((f) => f.endsWith('.json'));
    const subnets = records.map((f) => (JSON.parse(readFileSync(join(h.root, 'networks', f), 'utf8')) as { subnets: Array<{ subnet: string }> }).subnets[0]!.subnet);
    assert.equal(subnets.length, 2);
    assert.ok(subnets.every((s) => !s.startsWith('172.17.')), `berth's subnets avoid docker0's: ${subnets.join(', ')}`);
    await checkStack(h, base);

    h.ok([...base, 'down', '-v', '-t', '0']);
    assert.deepEqual(iptablesRules(h, 'FORWARD'), dockerRules, 'dockerd\'s FORWARD chain as it was');
    assert.equal(h.run(['iptables', '-t', 'nat', '-S']).out, dockerNat, 'dockerd\'s nat table as it was');
  } finally {
    h.berth([...base, 'down', '-v', '-t', '0']);
    if (pidfile) await stopDockerd(pidfile);
    // dockerd's own mounts lived in its private mount namespace, gone with it.
    h.cleanup();
  }
});
