import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './embedded-server.js';

/** Whether Debian's pgbouncer is installed (.ci/run installs it). */
export function pgbouncerInstalled(): boolean {
  return spawnSync('pgbouncer', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface PgBouncer {
  port: number;
  stop(): Promise<void>;
}

const waitForPort = async (port: number, ms: number) => {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port }, () => (s.end(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`pgbouncer did not listen on 127.0.0.1:${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/**
 * A real PgBouncer in transaction pooling mode on a free loopback port, in front of the server
 * of `serverUrl`: database `alias` is `database` there (server credentials from the URL;
 * clients are trusted). As root it runs as the postgres user (PgBouncer refuses root).
 */
export async function startPgBouncer(serverUrl: string, alias: string, database: string): Promise<PgBouncer> {
  const u = new URL(serverUrl);
  const dir = mkdtempSync(join(tmpdir(), 'tp-pgbouncer-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const server = [`host=${u.hostname}`, `port=${u.port || 5432}`, `dbname=${database}`, `user=${decodeURIComponent(u.username || 'postgres')}`];
  if (u.password) server.push(`password=${decodeURIComponent(u.password)}`);
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n');
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `${alias} = ${server.join(' ')}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      'default_pool_size = 4',
      'max_client_conn = 50',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  for (const f of ['users.txt', 'pgbouncer.ini']) chmodSync(join(dir, f), 0o644);
  const args = process.getuid?.() === 0 ? ['-u', 'postgres', join(dir, 'pgbouncer.ini')] : [join(dir, 'pgbouncer.ini')];
  const child: ChildProcess = spawn('pgbouncer', args, { stdio: 'ignore' });
  await waitForPort(port, 10_000);
  return {
    port,
    async stop() {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
