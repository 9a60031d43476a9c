import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedServer } from '../helpers/embedded-server.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';
import { makeServerCertificates, opensslIn, startTlsServer } from '../helpers/tls-server.js';

const dir = mkdtempSync(join(tmpdir(), 'tp-tls-client-'));
const PASSPHRASE = 'client key passphrase';

/** A client certificate for user postgres, signed by the test CA, whose key is encrypted. */
function makeClientCertificate() {
  const openssl = opensslIn(dir);
  openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-aes-256-cbc', '-pass', `pass:${PASSPHRASE}`, '-out', 'client.key');
  openssl('req', '-new', '-key', 'client.key', '-passin', `pass:${PASSPHRASE}`, '-subj', '/CN=postgres', '-out', 'client.csr');
  openssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', 'client.crt');
}

let server: EmbeddedServer;
beforeAll(async () => {
  makeServerCertificates(dir);
  makeClientCertificate();
  // TLS only, and a client certificate signed by the CA is required besides the password
  server = await startTlsServer(dir, (line) => `${line.replace(/^host(\s)/, 'hostssl$1')} clientcert=verify-ca`, ['-c', `ssl_ca_file=${join(dir, 'ca.crt')}`]);
}, 120_000);
afterAll(async () => {
  await server?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const input = singer(schemaMsg('tls_key', { id: { type: 'integer' } }), rec('tls_key', { id: 1 }), state({ ok: true }));
const base = () => ({
  host: 'localhost',
  port: server.port,
  user: 'postgres',
  password: 'postgres',
  database: 'postgres',
  max_retries: 0,
  ssl_enable: true,
  ssl_mode: 'verify-full',
  ssl_certificate_authority: join(dir, 'ca.crt'),
  ssl_client_certificate: join(dir, 'client.crt'),
  ssl_client_private_key: readFileSync(join(dir, 'client.key'), 'utf8'),
});

describe('ssl_client_private_key_password (encrypted client keys)', () => {
  it('a passphrase-protected client key authenticates to a server that requires client certificates', async () => {
    const r = await runTarget({ config: { ...base(), ssl_client_private_key_password: PASSPHRASE }, input });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"ok":true}']);
    expect(r.stderr).not.toContain(PASSPHRASE);
  });

  it('the key as a file path works the same', async () => {
    const r = await runTarget({ config: { ...base(), ssl_client_private_key: join(dir, 'client.key'), ssl_client_private_key_password: PASSPHRASE }, input });
    expect(r.code).toBe(0);
  });

  it('a missing passphrase is a config error naming the setting (exit 64), before any connection', async () => {
    const r = await runTarget({ config: base(), input });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('target-postgres: error: ssl_client_private_key is encrypted: set ssl_client_private_key_password to its passphrase');
  });

  it('a wrong passphrase is a config error that does not print it (exit 64)', async () => {
    const r = await runTarget({ config: { ...base(), ssl_client_private_key_password: 'wrong words' }, input });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('ssl_client_private_key_password does not decrypt ssl_client_private_key: check the passphrase');
    expect(r.stderr).not.toContain('wrong words');
  });

  it('without a client certificate the server refuses the connection (so the key really was used)', async () => {
    const { ssl_client_certificate: _c, ssl_client_private_key: _k, ...noClientCert } = base();
    const r = await runTarget({ config: noClientCert, input });
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/target-postgres: error: .*(certificate|no pg_hba.conf entry)/i);
  });
});
