// CPU time of the PostgreSQL server a scenario loads into, when it runs on this machine: utime +
// stime of its postmaster and every live descendant (backends, checkpointer, walwriter,
// autovacuum, parallel workers), plus their cutime + cstime, which hold the time of children
// already reaped (the postmaster waits for each backend that exits, so a backend that comes and
// goes within a scenario lands in the postmaster's cutime/cstime). The difference of two
// snapshots is the server's CPU in between. A server this machine cannot see in /proc (another
// host, a container's pid namespace) gives undefined ("n/a"). It is the whole server's: other
// clients working during a scenario count too (run.mjs reports the rate with no scenario running).
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { clockTicks } from './measure.mjs';
import { psql } from './db.mjs';

/** /proc/<pid>/stat fields after the command: [0] state, [1] ppid, [11..14] utime stime cutime cstime, [19] starttime. */
function statFields(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return { comm: s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')), f: s.slice(s.lastIndexOf(')') + 2).split(' ') };
  } catch {
    return undefined;
  }
}

function bootTime() {
  const m = /^btime (\d+)/m.exec(readFileSync('/proc/stat', 'utf8'));
  return m ? Number(m[1]) : undefined;
}

/** True when `pid` is a local postgres process started within 5 s of the server's pg_postmaster_start_time(). */
function isPostmaster(pid, startEpoch) {
  const st = statFields(pid);
  if (!st || st.comm !== 'postgres') return false;
  const started = bootTime() + Number(st.f[19]) / clockTicks();
  return Math.abs(started - startEpoch) < 5;
}

/** The parent of the backend serving this psql session, read while the session is open (psql's \! runs here). */
function backendParent(databaseUrl) {
  const script = ['SELECT pg_backend_pid() AS bench_bpid \\gset', '\\setenv BENCH_BPID :bench_bpid', '\\! cat /proc/$BENCH_BPID/stat 2>/dev/null || true'].join('\n');
  const out = execFileSync('psql', [databaseUrl, '-X', '-Atq', '-v', 'ON_ERROR_STOP=1'], { input: script, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  const s = out.trim();
  if (!s.includes(') ')) return undefined;
  if (s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')) !== 'postgres') return undefined;
  return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
}

/** The first line of <data_directory>/postmaster.pid, when the role may read data_directory and this machine has the file. */
function pidFilePid(databaseUrl) {
  try {
    const dir = psql(databaseUrl, 'SHOW data_directory');
    return Number(readFileSync(`${dir}/postmaster.pid`, 'utf8').split('\n', 1)[0]);
  } catch {
    return undefined;
  }
}

/** { pid } of the server's postmaster on this machine, or { why } it cannot be measured. */
export function findPostmaster(databaseUrl) {
  try {
    const startEpoch = Number(psql(databaseUrl, 'SELECT extract(epoch FROM pg_postmaster_start_time())'));
    const fromBackend = backendParent(databaseUrl);
    const fromPidFile = pidFilePid(databaseUrl);
    for (const pid of [fromBackend, fromPidFile]) {
      if (pid && isPostmaster(pid, startEpoch)) return { pid, via: pid === fromBackend ? 'backend parent' : 'postmaster.pid' };
    }
    return { why: 'the server is not a local process (no matching postmaster in /proc)' };
  } catch (e) {
    return { why: `cannot find the postmaster: ${String(e.stderr ?? e.message).trim().split('\n')[0]}` };
  }
}

/** Clock ticks in a process's stat fields: its own (utime + stime) plus those of children it reaped (cutime + cstime). */
const reaped = (f) => Number(f[13]) + Number(f[14]);
const ownAndReaped = (f) => Number(f[11]) + Number(f[12]) + reaped(f);

/** One pass over /proc: the ticks of `root` and every live descendant, or undefined if root is gone. */
function scanTree(root) {
  const children = new Map();
  const stats = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = statFields(name);
    if (!st) continue; // exited while listing
    const pid = Number(name);
    stats.set(pid, st.f);
    const ppid = Number(st.f[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  if (!stats.has(root)) return undefined;
  let ticks = 0;
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop();
    ticks += ownAndReaped(stats.get(pid));
    todo.push(...(children.get(pid) ?? []));
  }
  return ticks;
}

/**
 * CPU seconds of the postmaster `root` and its descendants so far, reaped children included;
 * undefined if it is gone. A backend reaped during the pass would be missed (read after it left
 * /proc, its time counted in a cutime read before) or counted twice: a pass during which the
 * postmaster's cutime + cstime changed (it reaped a child) is done again.
 */
export function treeCpuSeconds(root) {
  for (let attempt = 0; ; attempt++) {
    const before = statFields(root);
    const ticks = scanTree(root);
    const after = statFields(root);
    if (!before || !after || ticks === undefined) return undefined;
    if (reaped(before.f) === reaped(after.f) || attempt === 4) return ticks / clockTicks();
  }
}

/** Server CPU seconds per second over `ms` with no scenario running (other clients, background work). */
export async function idleRate(probe, ms = 1000) {
  const a = probe.snapshot();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = probe.snapshot();
  return a === undefined || b === undefined ? undefined : (b - a) / (ms / 1000);
}

const probes = new Map();

/** Client backends of the server other than this query's: their work counts in its CPU too. */
function otherClients(databaseUrl) {
  try {
    return Number(psql(databaseUrl, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"));
  } catch {
    return undefined;
  }
}

/** A cached probe per server URL: { pid, snapshot(): seconds | undefined, otherClients(): number | undefined } or { why }. */
export function serverProbe(databaseUrl) {
  if (!probes.has(databaseUrl)) {
    const pm = findPostmaster(databaseUrl);
    const snapshot = () => (pm.pid ? treeCpuSeconds(pm.pid) : undefined);
    probes.set(databaseUrl, { ...pm, snapshot, otherClients: () => (pm.pid ? otherClients(databaseUrl) : undefined) });
  }
  return probes.get(databaseUrl);
}
