import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedServer } from '../helpers/embedded-server.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';
import { makeServerCertificates, startTlsServer } from '../helpers/tls-server.js';

const dir = mkdtempSync(join(tmpdir(), 'tp-tls-'));

let server: EmbeddedServer;
beforeAll(async () => {
  makeServerCertificates(dir, ['ca', 'wrong-ca']);
  // accept TLS connections only, so a plain connection cannot pass the test
  server = await startTlsServer(dir, (line) => line.replace(/^host(\s)/, 'hostssl$1'));
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
