// A real OpenSSH server (Debian's openssh-server) on a loopback port, with its own host key,
// config and authorized key, for the SSH tunnel tests (test/helpers/sshd.ts) and the tunnel
// bench scenario. Never the system sshd: nothing outside its temp dir is used or changed
// (except /run/sshd, sshd's privilege separation directory, created when running as root).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './embedded-pg.mjs';

export const SSHD = '/usr/sbin/sshd';

/** Whether Debian's openssh-server is installed (.ci/run installs it). */
export function sshdInstalled() {
  return existsSync(SSHD);
}

const keygen = (...args) => execFileSync('ssh-keygen', ['-q', ...args], { stdio: 'pipe' });

/**
 * Starts `sshd -D -e` with a config of its own in a temp dir (no system sshd, no system keys):
 * only public-key login for the current user, TCP forwarding allowed. As root, sshd needs its
 * privilege separation directory, which the test creates when it is missing.
 */
/** @returns {Promise<import('./local-sshd.d.mts').Sshd>} */
export async function startSshd() {
  const dir = mkdtempSync(join(tmpdir(), 'tp-sshd-'));
  chmodSync(dir, 0o700);
  const user = userInfo().username;
  keygen('-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key'));
  const keyPassphrase = 'tunnel passphrase';
  keygen('-t', 'ed25519', '-N', keyPassphrase, '-C', 'target-postgres test', '-f', join(dir, 'client_key'));
  keygen('-t', 'ed25519', '-N', '', '-f', join(dir, 'wrong_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  chmodSync(join(dir, 'authorized_keys'), 0o600);
  const hostKeyFingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_key.pub')]).toString().split(' ')[1];
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AllowUsers ${user}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'AllowTcpForwarding yes',
      'AllowStreamLocalForwarding yes',
      'LogLevel DEBUG1',
      '',
    ].join('\n'),
  );
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  execFileSync(SSHD, ['-t', '-f', config], { stdio: 'pipe' });
  let log = '';
  let child;
  let exited;
  const start = async () => {
    child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.setEncoding('utf8').on('data', (d) => (log += d));
    exited = new Promise((resolve) => child.on('exit', () => resolve()));
    await waitForPort(port, () => log);
  };
  await start();
  const killConnections = () => {
    const children = childrenOf(child.pid);
    for (const pid of children) process.kill(pid, 'SIGKILL');
    return children.length;
  };
  return {
    port,
    user,
    keyPath: join(dir, 'client_key'),
    keyPassphrase,
    keyText: readFileSync(join(dir, 'client_key'), 'utf8'),
    wrongKeyPath: join(dir, 'wrong_key'),
    hostKeyFingerprint,
    log: () => log,
    killConnections,
    async restart(downMs) {
      killConnections();
      child.kill('SIGTERM');
      await exited;
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The processes whose parent is `pid` (read from /proc: no procps needed). */
function childrenOf(pid) {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/N/stat: "N (comm) S PPID ..."; comm may hold spaces and parentheses
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function waitForPort(port, log) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${port} within 10 s: ${log()}`);
}
