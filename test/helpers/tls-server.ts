import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEmbeddedServer, type EmbeddedServer } from './embedded-server.js';

/** openssl in `dir`. */
export const opensslIn =
  (dir: string) =>
  (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** CAs named `cas` (ca.crt/ca.key, …) and a server certificate for localhost / 127.0.0.1 signed by the first, in `dir`. */
export function makeServerCertificates(dir: string, cas: string[] = ['ca']): void {
  const openssl = opensslIn(dir);
  for (const ca of cas) {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${ca}`, '-keyout', `${ca}.key`, '-out', `${ca}.crt`);
  }
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', `${cas[0]}.crt`, '-CAkey', `${cas[0]}.key`, '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.crt');
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'server.key'), 0o600);
  for (const ca of cas) chmodSync(join(dir, `${ca}.crt`), 0o644);
  chmodSync(join(dir, 'server.crt'), 0o644);
  if (process.getuid?.() === 0) {
    // the embedded server runs as the postgres user when we are root; it must own its key
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(join(dir, 'server.key'), uid, gid);
  }
}

/**
 * An embedded PostgreSQL with TLS on, using the certificates in `dir`, whose pg_hba.conf `host`
 * lines are rewritten by `hba` (e.g. to hostssl only), then restarted.
 */
export async function startTlsServer(dir: string, hba: (line: string) => string, flags: string[] = []): Promise<EmbeddedServer> {
  const server = await createEmbeddedServer(['-c', 'ssl=on', '-c', `ssl_cert_file=${join(dir, 'server.crt')}`, '-c', `ssl_key_file=${join(dir, 'server.key')}`, ...flags]);
  await server.stop();
  const file = join(server.dataDir, 'pg_hba.conf');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^host\s.*$/gm, hba));
  await server.start();
  return server;
}
