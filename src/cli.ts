#!/usr/bin/env node
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { aboutJson, aboutMarkdown, packageInfo } from './config/about.js';
import { connectionSettings } from './config/connection.js';
import { loadConfig } from './config/load-config.js';
import { ConfigError, ExitCode, TargetError } from './errors.js';
import { createLogger, redactSecrets, type Logger } from './log.js';
import { Loader } from './load/loader.js';
import { readLines, type LineReader } from './protocol/read-lines.js';
import { Router } from './target/router.js';
import { defaultWorkers, readWithWorkers } from './target/parallel-input.js';

const HELP = `Usage: target-postgres --config FILE [--config FILE2 ...] [--input FILE]
       target-postgres --about [--format json|markdown]

Reads Singer messages (JSON lines) from stdin, or from --input FILE, and loads them into
PostgreSQL. Writes each state value to stdout once the records before it are committed.

Options:
  --config FILE|ENV   settings file (JSON); repeat to layer files, later ones win.
                      ENV reads TARGET_POSTGRES_<SETTING> environment variables.
  --input FILE        read messages from FILE instead of stdin
  --about             print name, version, capabilities and settings
  --format FORMAT     format of --about: json (default) or markdown
  --version           print the version
  --help              print this help

Exit codes: 0 success, 64 bad usage or config, 65 bad input data, 69 database error,
70 internal error, 74 stdout closed, 75 transient database failure (safe to rerun),
130/143 stopped by SIGINT/SIGTERM after committing what was read.`;

interface Args {
  configs: string[];
  input?: string;
  about: boolean;
  format: string;
  version: boolean;
  help: boolean;
}

export function parseArgs(argv: string[]): Args {
  const args: Args = { configs: [], about: false, format: 'json', version: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new ConfigError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--config':
        args.configs.push(value());
        break;
      case '--input':
        args.input = value();
        break;
      case '--about':
        args.about = true;
        break;
      case '--format':
        args.format = value();
        break;
      case '--version':
        args.version = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--discover':
      case '--state':
      case '--catalog':
        throw new ConfigError(`${flag} is a tap option; a target takes --config and reads messages from stdin`);
      default:
        throw new ConfigError(`unknown argument ${a} (see --help)`);
    }
  }
  if (!['json', 'markdown'].includes(args.format)) throw new ConfigError(`--format must be json or markdown`);
  return args;
}

async function run(argv: string[], setLogger: (l: Logger) => void, onReader: (r: LineReader, stop: () => void) => void): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    process.stdout.write(HELP + '\n');
    return ExitCode.ok;
  }
  if (args.version) {
    process.stdout.write(`${packageInfo().version}\n`);
    return ExitCode.ok;
  }
  if (args.about) {
    process.stdout.write(args.format === 'markdown' ? aboutMarkdown() : JSON.stringify(aboutJson(), null, 2) + '\n');
    return ExitCode.ok;
  }
  const { config, notices } = loadConfig(args.configs.length ? args.configs : []);
  const log = createLogger(config.log_level);
  setLogger(log);
  for (const n of notices) log.warn(n);
  const connection = connectionSettings(config);
  const loader = new Loader({
    connection,
    parallelism: config.parallelism,
    maxRetries: config.max_retries,
    retryBackoffMs: config.retry_backoff_ms,
    statementTimeoutMs: config.statement_timeout_ms,
    lockTimeoutMs: config.lock_timeout_ms,
    upsertStatement: config.upsert_statement,
    log,
  });
  const started = performance.now();
  try {
    await loader.connect();
    const router = new Router(config, loader, log, writeState);
    const input: Readable = args.input ? createReadStream(args.input) : process.stdin;
    const workers = config.parse_workers ?? defaultWorkers();
    const reader = workers > 0 ? readWithWorkers(input, router, workers, config.max_line_bytes) : readLines(input, (line, n) => router.handleLine(line, n), config.max_line_bytes);
    let inputError: unknown;
    onReader(reader, () => reader.stop());
    try {
      await reader.done;
    } catch (e) {
      inputError = e;
    }
    let loadError: unknown;
    try {
      // an overwrite is swapped in only when its input really ended (not on a bad line or a signal)
      await router.finish({ complete: inputError === undefined && !interruptedBy && !stdoutError });
    } catch (e) {
      loadError = e;
    }
    const seconds = (performance.now() - started) / 1000;
    log.info({ ...router.counts, lines: reader.lineNumber, seconds: Math.round(seconds * 1000) / 1000 }, 'run finished');
    if (router.counts.skipped || router.counts.deadLettered) {
      log.warn({ skipped: router.counts.skipped, deadLettered: router.counts.deadLettered }, `rejected records: ${router.counts.skipped} skipped, ${router.counts.deadLettered} stored in _sdc_rejected_records`);
    }
    if (inputError && loadError && inputError !== loadError) log.error({ err: errorText(loadError) }, 'a batch also failed');
    if (inputError ?? loadError) throw inputError ?? loadError;
    await settleStdout();
    if (stdoutError) throw new TargetError(`cannot write state to stdout: ${stdoutError.message}`, 74 as never);
    return interruptedBy ? 128 + (interruptedBy === 'SIGINT' ? 2 : 15) : ExitCode.ok;
  } finally {
    await loader.close().catch(() => undefined);
  }
}

let stdoutError: Error | undefined;
let interruptedBy: string | undefined;

function writeState(text: string): void {
  if (stdoutError) return;
  process.stdout.write(text + '\n', (err) => {
    if (err) stdoutError ??= err;
  });
}

/** Waits until every state line written so far has reached stdout (or failed to). */
async function settleStdout(): Promise<void> {
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  await new Promise<void>((resolve) => setImmediate(resolve));
}

function errorText(e: unknown): string {
  return redactSecrets(e instanceof Error ? e.message : String(e));
}

async function main(): Promise<void> {
  let log: Logger | undefined;
  let stopReading: (() => void) | undefined;
  process.stdout.on('error', (e) => {
    stdoutError = e;
    stopReading?.();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interruptedBy) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
      interruptedBy = signal;
      log?.warn({ signal }, 'stopping: committing what was read, then exiting; a second signal exits at once');
      stopReading?.();
    });
  }
  let code: number;
  try {
    code = await run(
      process.argv.slice(2),
      (l) => (log = l),
      (_r, stop) => (stopReading = stop),
    );
  } catch (e) {
    if (e instanceof TargetError) {
      code = e.exitCode;
      log?.error({ code: e.exitCode, stream: e.stream, line: e.line }, errorText(e));
      process.stderr.write(`target-postgres: error: ${errorText(e)}\n`);
    } else {
      code = ExitCode.internal;
      log?.fatal({ err: e }, 'internal error');
      process.stderr.write(`target-postgres: internal error: ${redactSecrets(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
    }
  }
  process.stdout.write('', () => process.exit(code));
}

await main();
