import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout split into lines (no trailing empty line). */
  stdout: string[];
  stderr: string;
}

export interface RunOptions {
  config?: Record<string, unknown>;
  /** Singer text fed on stdin. */
  input?: string | Buffer;
  /** A file passed as --input instead. */
  inputFile?: string;
  args?: string[];
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/**
 * CI runs the suite once more with `TEST_COPY_FORMAT=csv`: every config a test writes then asks
 * for CSV COPY, unless the test chose a format itself.
 */
export function withTestCopyFormat(config: Record<string, unknown>): Record<string, unknown> {
  const format = process.env.TEST_COPY_FORMAT;
  return format && config.copy_format === undefined ? { ...config, copy_format: format } : config;
}

/** Runs the built CLI as a child process and collects its exit code, stdout lines and stderr. */
export function runTarget(opts: RunOptions): Promise<RunResult> {
  const args = [CLI, ...(opts.args ?? [])];
  if (opts.config) {
    const dir = mkdtempSync(join(tmpdir(), 'tp-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(withTestCopyFormat(opts.config)));
    args.push('--config', file);
  }
  if (opts.inputFile) args.push('--input', opts.inputFile);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, PGPASSWORD: undefined, PGHOST: undefined, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 50_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: out.split('\n').filter((l) => l !== ''), stderr: err });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}
