import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, withTestCopyFormat } from './run-target.js';

/** A running target whose stdin the test writes to; stdout lines and stderr are collected. */
export interface LiveTarget {
  child: ChildProcessWithoutNullStreams;
  stdout: string[];
  stderr: () => string;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when a stdout line satisfying the predicate arrives. */
  waitForLine(pred: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Peak resident memory (VmHWM) in bytes, read from /proc while the process runs. */
  peakRss(): number;
}

/** Starts the built CLI with a config; `onLine` sees each stdout line as it arrives. */
export function startTarget(config: Record<string, unknown>, args: string[] = [], onLine?: (line: string) => void): LiveTarget {
  const dir = mkdtempSync(join(tmpdir(), 'tp-live-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(withTestCopyFormat(config)));
  const child = spawn(process.execPath, [CLI, '--config', file, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  let err = '';
  let buf = '';
  const waiters: Array<{ pred: (l: string) => boolean; resolve: (l: string) => void }> = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      stdout.push(line);
      onLine?.(line);
      for (const w of [...waiters]) {
        if (w.pred(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stdout.on('error', () => undefined);
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  child.stdin.on('error', () => undefined);
  let hwm = 0;
  const poll = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const m = /VmHWM:\s+(\d+) kB/.exec(status);
      if (m) hwm = Math.max(hwm, Number(m[1]) * 1024);
    } catch {
      /* exited */
    }
  }, 100);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    stdout,
    stderr: () => err,
    exited,
    peakRss: () => hwm,
    waitForLine(pred, timeoutMs = 30_000) {
      const found = stdout.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no matching stdout line within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`)), timeoutMs);
        waiters.push({ pred, resolve: (l) => (clearTimeout(t), resolve(l)) });
      });
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
