import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedServer, type EmbeddedServer } from '../helpers/embedded-server.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';

const dir = mkdtempSync(join(tmpdir(), 'tp-tls-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A CA, and a server certificate for localhost / 127.0.0.1 signed by it. */
function makeCertificates() {
  for (const ca of ['ca', 'wrong-ca']) {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${ca}`, '-keyout', `${ca}.key`, '-out', `${ca}.crt`);
  }
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.crt');
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'server.key'), 0o600);
  if (process.getuid?.() === 0) {
    // the embedded server runs as the postgres user when we are root; it must own its key
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(join(dir, 'server.key'), uid, gid);
    chmodSync(join(dir, 'server.crt'), 0o644);
  }
}

let server: EmbeddedServer;
beforeAll(async () => {
  makeCertificates();
  server = await createEmbeddedServer(['-c', 'ssl=on', '-c', `ssl_cert_file=${join(dir, 'server.crt')}`, '-c', `ssl_key_file=${join(dir, 'server.key')}`]);
  // accept TLS connections only, so a plain connection cannot pass the test
  await server.stop();
  const hba = join(server.dataDir, 'pg_hba.conf');
  writeFileSync(hba, readFileSync(hba, 'utf8').replace(/^host(\s)/gm, 'hostssl$1'));
  await server.start();
}, 120_000);
afterAll(async () => {
  await server?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const input = singer(schemaMsg('tls', { id: { type: 'integer' } }), rec('tls', { id: 1 }), state({ ok: true }));
const base = () => ({ host: 'localhost', port: server.port, user: 'postgres', password: 'postgres', database: 'postgres', max_retries: 0 });

describe('TLS', () => {
  it('connects with ssl_mode verify-full and the test CA (PEM text)', async () => {
    const r = await runTarget({ config: { ...base(), ssl_enable: true, ssl_mode: 'verify-full', ssl_certificate_authority: readFileSync(join(dir, 'ca.crt'), 'utf8') }, input });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"ok":true}']);
  });

  it('connects with the CA given as a file path', async () => {
    const r = await runTarget({ config: { ...base(), ssl_enable: true, ssl_mode: 'verify-full', ssl_certificate_authority: join(dir, 'ca.crt') }, input });
    expect(r.code).toBe(0);
  });

  it('fails clearly with a wrong CA', async () => {
    const r = await runTarget({ config: { ...base(), ssl_enable: true, ssl_mode: 'verify-full', ssl_certificate_authority: readFileSync(join(dir, 'wrong-ca.crt'), 'utf8') }, input });
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/target-postgres: error: .*(self-signed certificate|unable to verify|certificate)/i);
    expect(r.stdout).toEqual([]);
  });

  it('pipelinewise ssl "true" connects with TLS (sslmode require) to this TLS-only server', async () => {
    const r = await runTarget({ config: { ...base(), ssl: 'true' }, input });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"ok":true}']);
  });

  it('the server refuses a connection without TLS', async () => {
    const r = await runTarget({ config: { ...base() }, input });
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/no pg_hba.conf entry|SSL off/);
  });
});
