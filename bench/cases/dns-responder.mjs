// The DNS responder's start: from spawning it to its first local answer
// (UDP, on a 127.x gateway, a high port; the query is sent every ms until
// one is answered), berth's native berth-dns against podman's aardvark-dns.
// Each rep starts a fresh responder and kills it after its answer (its exit
// is waited for at the end).
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const berthDns = new URL('../../native/out/berth-dns', import.meta.url).pathname;
const aardvark = '/usr/lib/podman/aardvark-dns';
const block = `127.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 250)}`;
// The gateway, and the asker: an endpoint of the network (the responder
// answers only those), the client binds its address.
const gw = `${block}.1`, asker = `${block}.2`;
// A fresh port per start: a killed responder's socket may outlive its
// pid's zombie state for a moment (aardvark-dns's other threads).
let nextPort = 20000 + Math.floor(Math.random() * 30000);
const query = Buffer.from([0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 0x77, 0x65, 0x62, 0, 0, 1, 0, 1]);  // web A

async function firstAnswer(port) {
  const s = createSocket('udp4');
  try {
    await new Promise((ok) => s.bind(0, asker, ok));
    return await new Promise((ok, fail) => {
      const again = setInterval(() => s.send(query, port, gw), 1);
      const t = setTimeout(() => { clearInterval(again); fail(new Error(`no answer from ${gw}:${port}`)); }, 3000);
      s.on('message', (m) => {
        clearTimeout(t); clearInterval(again);
        // An answer with the address, not a refusal: rcode 0, one answer record.
        if ((m[3] & 0x0f) !== 0 || m.readUInt16BE(6) < 1) fail(new Error(`no address in the reply from ${gw}:${port} (rcode ${m[3] & 0x0f})`));
        else ok(m);
      });
      s.send(query, port, gw);
    });
  } finally {
    s.close();
  }
}

/** Until pid is gone or a zombie (its sockets are closed then). */
async function gone(pid) {
  const dead = () => { try { const st = readFileSync(`/proc/${pid}/stat`, 'utf8'); return st[st.lastIndexOf(')') + 2] === 'Z'; } catch { return true; } };
  for (let i = 0; i < 500 && !dead(); i++) await new Promise((res) => setTimeout(res, 1));
}

export default {
  name: 'dns-responder',
  description: 'DNS responder start to its first answer',
  reps: 20,
  warmup: 2,
  setup() {
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-dns-'));
    const berth = join(dir, 'berth'), aard = join(dir, 'aardvark');
    mkdirSync(berth);
    mkdirSync(aard);
    writeFileSync(join(berth, 'config.txt'), `berth-dns-config 1\ngeneration 1\nnetwork n 0\ngateway ${gw}\nentry c1 ${asker} -\nname web\nend\n`);
    writeFileSync(join(aard, 'benchnet'), `${gw}\n0123456789ab ${asker}  web\n`);
    return { dir, berth, aard, pids: [] };
  },
  async teardown(ctx) {
    for (const pid of ctx.pids) await gone(pid);
    rmSync(ctx.dir, { recursive: true, force: true });
  },
  variants: (ctx) => [
    {
      name: 'berth-dns',
      available: () => existsSync(berthDns),
      install: 'make -C native',
      run: async () => {
        const port = nextPort++;
        const child = spawn(berthDns, [ctx.berth], { env: { ...process.env, BERTH_DNS_PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
        try {
          await firstAnswer(port);
        } finally {
          child.kill('SIGKILL');  // not waited for: the next start takes another port
          ctx.pids.push(child.pid);
        }
      },
    },
    {
      name: 'aardvark-dns',
      available: () => existsSync(aardvark),
      install: 'bash bench/setup-peers.sh',
      run: async () => {
        const port = nextPort++;
        const r = spawnSync(aardvark, ['--config', ctx.aard, '-p', String(port), 'run'], { stdio: 'ignore' });  // returns once it has forked
        const pidFile = join(ctx.aard, 'aardvark.pid');
        try {
          if (r.status !== 0) throw new Error(`aardvark-dns run failed (${r.status})`);
          await firstAnswer(port);
        } finally {
          const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
          if (pid > 0) {
            process.kill(pid, 'SIGKILL');
            ctx.pids.push(pid);
          }
          rmSync(pidFile, { force: true });
        }
      },
    },
  ],
};
