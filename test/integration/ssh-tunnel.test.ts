import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { createEmbeddedServer } from '../helpers/embedded-server.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';
import { sleep, startTarget } from '../helpers/spawn-target.js';
import { sshdInstalled, startSshd, type Sshd } from '../helpers/sshd.js';

const db = useTestDatabase();
const installed = sshdInstalled();
let sshd: Sshd;
beforeAll(async () => {
  if (installed) sshd = await startSshd();
}, 60_000);
afterAll(async () => {
  await sshd?.stop();
});

if (!installed && process.env.CI === 'true') {
  it('sshd is installed (CI installs Debian openssh-server)', () => expect(installed).toBe(true));
}

const props = { id: { type: 'integer' }, v: { type: 'string' } };
const rows = (stream: string, from: number, to: number, stateEvery = 500) => {
  const out: unknown[] = [];
  for (let i = from; i <= to; i++) {
    out.push(rec(stream, { id: i, v: `value ${i}` }));
    if (i % stateEvery === 0) out.push(state({ upto: i }));
  }
  return out;
};

/** The target's config: the test database as the bastion sees it, through the test's sshd. */
const tunnelConfig = (tunnel: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  ...db.config,
  max_retries: 0,
  ssh_tunnel: { enable: true, host: '127.0.0.1', port: sshd.port, username: sshd.user, private_key: sshd.keyText, private_key_password: sshd.keyPassphrase, ...tunnel },
  ...extra,
});

/** Channels sshd opened to the database port (its DEBUG1 log names each direct-tcpip request). */
const forwardsToDatabase = () => (sshd.log().match(new RegExp(`server_request_direct_tcpip: .*target ${db.config.host} port ${db.config.port}\\b`, 'g')) ?? []).length;

describe.skipIf(!installed)(`SSH tunnel (real sshd on loopback)${installed ? '' : ' (skipped: /usr/sbin/sshd is not installed; apt-get install openssh-server)'}`, () => {
  it('loads through the tunnel with an encrypted key (text), the host key checked, and no secret in any output', async () => {
    const before = forwardsToDatabase();
    const r = await runTarget({
      config: tunnelConfig({ host_key_fingerprint: sshd.hostKeyFingerprint }, { default_target_schema: 'tunnel', parallelism: 2 }),
      input: singer(schemaMsg('a', props), schemaMsg('b', props), ...rows('a', 1, 300, 300), ...rows('b', 1, 200, 1000), state({ done: true })),
    });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(r.stdout[r.stdout.length - 1]).toBe('{"done":true}');
    expect(await db.query('SELECT (SELECT count(*)::int FROM tunnel.a) AS a, (SELECT count(*)::int FROM tunnel.b) AS b')).toEqual([{ a: 300, b: 200 }]);
    expect(forwardsToDatabase()).toBeGreaterThan(before);
    expect(r.stderr).toContain('SSH tunnel open');
    expect(r.stderr).toContain(`via SSH ${sshd.user}@127.0.0.1:${sshd.port}`);
    for (const secret of [sshd.keyPassphrase, sshd.keyText.split('\n')[1]]) {
      expect(r.stderr).not.toContain(secret);
      expect(r.stdout.join('\n')).not.toContain(secret);
    }
  });

  it('reads the key from a file path', async () => {
    const r = await runTarget({ config: tunnelConfig({ private_key: sshd.keyPath }, { default_target_schema: 'tunnel_path' }), input: singer(schemaMsg('p', props), ...rows('p', 1, 10)) });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(await db.query('SELECT count(*)::int AS n FROM tunnel_path.p')).toEqual([{ n: 10 }]);
  });

  it('a key the bastion does not accept: one clear line, exit 69, nothing loaded', async () => {
    const r = await runTarget({ config: tunnelConfig({ private_key: sshd.wrongKeyPath, private_key_password: undefined }, { default_target_schema: 'tunnel_wrong' }), input: singer(schemaMsg('w', props), ...rows('w', 1, 5)) });
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(new RegExp(`target-postgres: error: SSH tunnel ${sshd.user}@127.0.0.1:${sshd.port}: the bastion did not accept ssh_tunnel.private_key for user "${sshd.user}"`));
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stdout).toEqual([]);
    expect(await db.query("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'tunnel_wrong'")).toEqual([{ n: 0 }]);
  });

  it('a bastion whose host key is not host_key_fingerprint is refused (exit 69)', async () => {
    const other = `SHA256:${'A'.repeat(43)}`;
    const r = await runTarget({ config: tunnelConfig({ host_key_fingerprint: other }), input: singer(schemaMsg('h', props)) });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain(`the bastion's host key ${sshd.hostKeyFingerprint} is not ssh_tunnel.host_key_fingerprint`);
  });

  it('a wrong or missing passphrase is a config error before any connection (exit 64)', async () => {
    const wrong = await runTarget({ config: tunnelConfig({ private_key_password: 'not it' }), input: '' });
    expect(wrong.code).toBe(64);
    expect(wrong.stderr).toContain('ssh_tunnel.private_key_password does not decrypt ssh_tunnel.private_key');
    expect(wrong.stderr).not.toContain('not it');
    const missing = await runTarget({ config: tunnelConfig({ private_key_password: undefined }), input: '' });
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain('ssh_tunnel.private_key is encrypted: set ssh_tunnel.private_key_password');
  });

  it('an unreachable bastion is transient: retried, then exit 75 naming it', async () => {
    const r = await runTarget({ config: tunnelConfig({ port: 1 }, { max_retries: 1, retry_backoff_ms: 10 }), input: singer(schemaMsg('u', props)) });
    expect(r.code).toBe(75);
    expect(r.stderr).toMatch(/target-postgres: error: SSH tunnel .*@127\.0\.0\.1:1: cannot reach the bastion \(.*ECONNREFUSED.*\).*gave up after 1 retries/);
  });

  it('a bastion that accepts TCP but never speaks SSH: a clear error within connect_timeout_seconds (exit 75)', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((sock) => void sockets.push(sock));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const r = await runTarget({ config: tunnelConfig({ port: (silent.address() as { port: number }).port }, { connect_timeout_seconds: 1 }), input: singer(schemaMsg('q', props)) });
      expect(r.code).toBe(75);
      expect(r.stderr).toMatch(/target-postgres: error: (no answer from .* via SSH .* within 1 s \(connect_timeout_seconds\)|SSH tunnel .*: cannot reach the bastion \(Timed out while waiting for handshake\))/);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('the tunnel killed mid-load: it reopens, the batch is retried and every row lands exactly once', async () => {
    const t = startTarget(tunnelConfig({}, { default_target_schema: 'tunnel_kill', batch_size_rows: 500, max_retries: 10, retry_backoff_ms: 50 }));
    t.child.stdin.write(singer(schemaMsg('k', props), ...rows('k', 1, 5000)));
    await t.waitForLine((l) => l === '{"upto":5000}');
    let killed = 0;
    // drop every tunnel while batches are in flight, three times
    for (let round = 0; round < 3; round++) {
      t.child.stdin.write(singer(...rows('k', 5001 + round * 10000, 15000 + round * 10000)));
      await sleep(150);
      killed += sshd.killConnections();
    }
    t.child.stdin.end(singer(...rows('k', 35001, 40000), state({ done: true })));
    const { code } = await t.exited;
    expect(t.stderr()).not.toContain('target-postgres: error');
    expect(code).toBe(0);
    expect(killed).toBeGreaterThan(0);
    expect(t.stderr()).toContain('SSH tunnel closed; the next database connection reopens it');
    expect(t.stderr()).toContain('transient database error, retrying');
    expect(t.stderr().match(/SSH tunnel open/g)!.length).toBeGreaterThan(1);
    expect(t.stdout[t.stdout.length - 1]).toBe('{"done":true}');
    expect(await db.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, min(id)::int AS lo, max(id)::int AS hi FROM tunnel_kill.k')).toEqual([{ n: 40000, d: 40000, lo: 1, hi: 40000 }]);
  }, 120_000);

  it('the bastion restarted mid-load: reconnects once it is back, every row lands exactly once', async () => {
    const t = startTarget(tunnelConfig({}, { default_target_schema: 'tunnel_restart', batch_size_rows: 500, max_retries: 12, retry_backoff_ms: 100 }));
    t.child.stdin.write(singer(schemaMsg('r', props), ...rows('r', 1, 3000)));
    await t.waitForLine((l) => l === '{"upto":3000}');
    t.child.stdin.write(singer(...rows('r', 3001, 8000)));
    await sleep(100);
    await sshd.restart(1500);
    t.child.stdin.end(singer(...rows('r', 8001, 10000), state({ done: true })));
    const { code } = await t.exited;
    expect(t.stderr()).not.toContain('target-postgres: error');
    expect(code).toBe(0);
    expect(t.stdout[t.stdout.length - 1]).toBe('{"done":true}');
    expect(t.stderr()).toContain('SSH tunnel closed; the next database connection reopens it');
    expect(await db.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM tunnel_restart.r')).toEqual([{ n: 10000, d: 10000 }]);
  }, 120_000);

  it('reaches a database that listens only on a Unix socket on the bastion (host: its directory)', async () => {
    const socketDir = mkdtempSync(join(tmpdir(), 'tp-socket-'));
    chmodSync(socketDir, 0o777); // the server runs as the postgres user when the tests run as root
    const server = await createEmbeddedServer(['-c', `unix_socket_directories=${socketDir}`, '-c', 'listen_addresses=']);
    try {
      const r = await runTarget({
        config: { host: socketDir, port: server.port, user: 'postgres', password: 'postgres', database: 'postgres', default_target_schema: 'via_socket', max_retries: 0, ssh_tunnel: tunnelConfig().ssh_tunnel },
        input: singer(schemaMsg('s', props), ...rows('s', 1, 20), state({ done: true })),
      });
      expect(r.stderr).not.toContain('target-postgres: error');
      expect(r.code).toBe(0);
      expect(r.stdout).toEqual(['{"done":true}']);
      expect(sshd.log()).toMatch(new RegExp(`server_request_direct_streamlocal: .*target ${socketDir}/\\.s\\.PGSQL\\.${server.port}`));
    } finally {
      await server.destroy();
      rmSync(socketDir, { recursive: true, force: true });
    }
  }, 120_000);
});
