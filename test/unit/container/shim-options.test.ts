import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveHealth, resolveShimOptions, shimArgs } from '../../../src/container/shim-options.js';
import { containerPaths, checkSocketPath } from '../../../src/container/paths.js';
import { composeLabels } from '../../../src/container/record.js';
import { statePaths } from '../../../src/state/paths.js';
import type { ContainerSpecInput } from '../../../src/container/types.js';

const S = 1_000_000_000;
const ID = 'b'.repeat(64);
const base: ContainerSpecInput = {
  id: ID, name: 'x', image: { ref: 'img', config: { Cmd: ['sh'], StopSignal: 'SIGQUIT', Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 5 * S, Retries: 7 } } },
  rootfs: { base: '/l', lower: ['a'] }, network: { mode: 'none' },
};

describe('shim options', () => {
  it('healthcheck: service fields over the image, Compose defaults, disable and NONE', () => {
    assert.deepEqual(resolveHealth(base), { test: ['CMD-SHELL', 'true'], interval_ns: 5 * S, timeout_ns: 30 * S, retries: 7, start_period_ns: 0, start_interval_ns: 5 * S });
    assert.deepEqual(resolveHealth({ ...base, healthcheck: { test: ['CMD', 'wget', '-q', 'localhost'], timeout: 2 * S } })!.test, ['CMD', 'wget', '-q', 'localhost']);
    assert.equal(resolveHealth({ ...base, healthcheck: { test: ['CMD', 'x'], timeout: 2 * S } })!.timeout_ns, 2 * S);
    assert.equal(resolveHealth({ ...base, healthcheck: { disable: true } }), null);
    assert.equal(resolveHealth({ ...base, healthcheck: { test: ['NONE'] } }), null);
    assert.throws(() => resolveHealth({ ...base, healthcheck: { test: ['SHELL', 'x'] } }), /must start with CMD/);
  });

  it('stop signal from the image unless the service sets one; grace period in seconds', () => {
    assert.equal(resolveShimOptions(base).stopSignal, 'SIGQUIT');
    assert.equal(resolveShimOptions({ ...base, stopSignal: 'usr1' }).stopSignal, 'SIGUSR1');
    assert.equal(resolveShimOptions(base).stopTimeout, 10);
    assert.equal(resolveShimOptions({ ...base, stopGracePeriod: 1.5 * S }).stopTimeout, 1.5);
    assert.throws(() => resolveShimOptions({ ...base, restart: 'sometimes' as never }), /invalid policy/);
  });

  it('builds the shim command line of the contract', () => {
    const p = containerPaths(statePaths('/tmp/r', {}), ID);
    const o = resolveShimOptions({ ...base, restart: 'on-failure:3', tty: true, logging: { maxSize: 1000, maxFile: 3 } });
    const a = shimArgs(ID, p, o, '/usr/sbin/runc');
    assert.deepEqual(a.slice(0, 16), ['--id', ID, '--bundle', p.bundle, '--state-dir', p.dir, '--socket', '/tmp/r/run/s/bbbbbbbbbbbb.sock', '--runtime', '/usr/sbin/runc', '--runtime-root', '/tmp/r/run/oci', '--log-path', `${p.dir}/${ID}-json.log`, '--restart', 'on-failure:3']);
    for (const f of ['--log-max-size', '--log-max-file', '--health', '--tty']) assert.ok(a.includes(f), f);
    assert.ok(!a.includes('--stdin'));
  });

  it('refuses socket paths over the unix limit', () => {
    assert.throws(() => checkSocketPath('/' + 'x'.repeat(120)), /107-byte/);
    checkSocketPath(containerPaths(statePaths('/var/lib/berth', {}), ID).socket);
  });

  it('compose labels', () => {
    assert.deepEqual(composeLabels({ project: 'p', service: 'web', number: 2, configHash: 'h' }), {
      'com.docker.compose.project': 'p', 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '2',
      'com.docker.compose.config-hash': 'h', 'com.docker.compose.oneoff': 'False',
    });
  });
});
