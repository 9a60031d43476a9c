// Runs one child process and measures wall time, CPU time (user+sys) and peak RSS.
//
// With GNU time (/usr/bin/time) the kernel's rusage of the child is exact. Without it, the
// child's /proc/<pid>/stat (utime, stime) and /proc/<pid>/status (VmHWM, a high-water mark)
// are sampled every 20 ms until it exits, which can miss at most the last interval.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';

let gnuTime;
function gnuTimePath() {
  if (gnuTime !== undefined) return gnuTime;
  gnuTime = null;
  if (process.env.BENCH_NO_GNU_TIME) return gnuTime;
  try {
    const out = execFileSync('/usr/bin/time', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (/GNU/i.test(out)) gnuTime = '/usr/bin/time';
  } catch (e) {
    if (/GNU/i.test(String(e.stderr ?? '') + String(e.stdout ?? ''))) gnuTime = '/usr/bin/time';
  }
  return gnuTime;
}

export function measureMethod() {
  return gnuTimePath() ? 'GNU time (rusage)' : '/proc sampling every 20 ms';
}

let ticks;
/** Clock ticks a second (getconf CLK_TCK), the unit of /proc/<pid>/stat times. */
export function clockTicks() {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** Busy and total jiffies of all CPUs, from /proc/stat. */
export function hostCpu() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy = user..system + irq + softirq.
    const total = f.slice(0, 8).reduce((a, b) => a + (b || 0), 0);
    const busy = f[0] + f[1] + f[2] + (f[5] || 0) + (f[6] || 0);
    return { busy, total };
  } catch {
    return undefined;
  }
}

/** Share of all cores busy between two hostCpu() samples (whole machine, every process). */
export function busyShare(a, b) {
  if (!a || !b || b.total === a.total) return undefined;
  return (b.busy - a.busy) / (b.total - a.total);
}

function sampleProc(pid, acc) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    acc.user = Number(f[11]) / clockTicks();
    acc.sys = Number(f[12]) / clockTicks();
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) acc.maxRssKb = Math.max(acc.maxRssKb, Number(m[1]));
  } catch {
    // The process has exited between samples.
  }
}

/**
 * Spawns `cmd args`, stdin from `stdinFile` (or nothing), stdout/stderr into files.
 * Resolves { code, wall, user, sys, cpu, maxRssKb, hostBusy, serverCpu, otherClients }; never rejects on a
 * non-zero exit. `server` (lib/server-cpu.mjs serverProbe) measures the database server's CPU
 * over the same span: serverCpu is undefined when the server is not a process of this machine;
 * otherClients counts the server's client backends just before the child started (not ours).
 */
export async function measure(cmd, args, { stdinFile, stdoutFile, stderrFile, env, server } = {}) {
  const fds = [
    stdinFile ? openSync(stdinFile, 'r') : 'ignore',
    stdoutFile ? openSync(stdoutFile, 'w') : 'ignore',
    stderrFile ? openSync(stderrFile, 'w') : 'inherit',
  ];
  const time = gnuTimePath();
  const usageFile = stderrFile ? `${stderrFile}.usage` : undefined;
  const [file, argv] = time && usageFile ? [time, ['-o', usageFile, '-f', '%e %U %S %M', cmd, ...args]] : [cmd, args];
  const acc = { user: 0, sys: 0, maxRssKb: 0 };
  const otherClients = server?.otherClients();
  const cpu0 = hostCpu();
  const server0 = server?.snapshot();
  const t0 = process.hrtime.bigint();
  const child = spawn(file, argv, { stdio: fds, env: { ...process.env, ...env } });
  let timer;
  if (!(time && usageFile)) timer = setInterval(() => sampleProc(child.pid, acc), 20);
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const hostBusy = busyShare(cpu0, hostCpu());
  const server1 = server?.snapshot();
  const serverCpu = server0 !== undefined && server1 !== undefined ? server1 - server0 : undefined;
  if (timer) clearInterval(timer);
  for (const fd of fds) if (typeof fd === 'number') closeSync(fd);
  if (time && usageFile) {
    const last = readFileSync(usageFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    rmSync(usageFile, { force: true });
    [, acc.user, acc.sys, acc.maxRssKb] = last;
  }
  return { code, wall, user: acc.user, sys: acc.sys, cpu: acc.user + acc.sys, maxRssKb: acc.maxRssKb, hostBusy, serverCpu, otherClients };
}
