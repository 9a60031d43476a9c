import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { HELP, type Args } from './args.js';
import { aboutJson, aboutMarkdown, aboutText, packageInfo } from './config/about.js';
import { hookStatements, sessionVariables } from './config/access-settings.js';
import { connectionSettings } from './config/connection.js';
import { loadConfig } from './config/load-config.js';
import type { ResolvedConfig } from './config/settings.js';
import { sshTunnelSettings } from './config/ssh-tunnel.js';
import { ExitCode, TargetError } from './errors.js';
import { EncodePool } from './input/encode-pool.js';
import { defaultWorkers, readParallel } from './input/parallel-reader.js';
import { readSerial } from './input/serial-reader.js';
import { directConnections, type ConnectionFactory } from './load/connection-factory.js';
import { Loader } from './load/loader.js';
import { tunneledConnections } from './load/ssh-tunnel.js';
import { createLogger, redactSecrets, type Logger } from './log.js';
import { RunMetrics } from './metrics.js';
import { startProgress } from './progress.js';
import type { RecordsReader } from './route/batch-files.js';
import { Router } from './route/router.js';
import { createEnricher, logEnrichSummary } from './enrich/setup.js';
import { prepareValidation } from './stream/validator.js';

/** What the process around a run tells it and learns from it (signals, stdout, the logger). */
export interface RunControl {
  /** The signal that asked the run to stop, if any. */
  interruptedBy?: 'SIGINT' | 'SIGTERM';
  /** Writing state to stdout failed. */
  stdoutError?: Error;
  log?: Logger;
  /** Set by the run: stops reading input (signals, a closed stdout). */
  stopReading?: () => void;
}

/** Runs the target for parsed arguments; resolves with the exit code. */
export async function run(args: Args, control: RunControl): Promise<number> {
  if (args.help) {
    process.stdout.write(HELP + '\n');
    return ExitCode.ok;
  }
  if (args.version) {
    process.stdout.write(`${packageInfo().version}\n`);
    return ExitCode.ok;
  }
  if (args.about) {
    const about = { markdown: aboutMarkdown, text: aboutText, json: () => JSON.stringify(aboutJson(), null, 2) + '\n' }[args.format as 'json' | 'markdown' | 'text'];
    process.stdout.write(about());
    return ExitCode.ok;
  }
  const { config, notices } = loadConfig(args.configs.length ? args.configs : []);
  const log = createLogger(config.log_level);
  control.log = log;
  for (const n of notices) log.warn(n);
  const loader = new Loader({
    connections: connectionsFor(config, log),
    statementTimeoutMs: config.statement_timeout_ms,
    lockTimeoutMs: config.lock_timeout_ms,
    role: config.set_role,
    variables: sessionVariables(config),
    access: { createSchemas: config.create_schemas, grantSelectTo: config.grant_select_to ?? [] },
    parallelism: config.parallelism,
    maxRetries: config.max_retries,
    retryBackoffMs: config.retry_backoff_ms,
    upsertStatement: config.upsert_statement,
    citusDistribution: config.citus_distribution,
    log,
  });
  const enricher = createEnricher(config, loader, log);
  const started = performance.now();
  const workers = config.parse_workers ?? defaultWorkers();
  // started before connecting: the workers load their modules while this thread connects and reads the first schema
  const pool = workers > 0 ? new EncodePool(workers) : undefined;
  // and the validator's library loads while the connection is made
  if (config.validate_records) setImmediate(prepareValidation);
  try {
    await loader.connect();
    await loader.runHook('before_run_sql', hookStatements(config.before_run_sql));
    const metrics = new RunMetrics(log);
    metrics.start();
    const router = new Router(config, loader, log, (text) => writeState(control, text), metrics, enricher);
    const stopProgress = config.log_level === 'info' || config.log_level === 'debug' || config.log_level === 'trace' ? startProgress(metrics) : () => undefined;
    // a file is read 256 KiB at a time (one encode block a read; the default 64 KiB took 4 reads and joins a block)
    const input: Readable = args.input ? createReadStream(args.input, { highWaterMark: 1 << 18 }) : process.stdin;
    pool?.follow(router);
    // stdin and the files of BATCH messages are read the same way: on the encode workers, or serially
    const open: RecordsReader = (from, accept, recordsOf) =>
      pool ? readParallel(from, accept, router, pool, config.max_line_bytes, recordsOf) : readSerial(from, accept, router, config.max_line_bytes, recordsOf);
    router.openRecords = open;
    const reader = open(input, router.accept, undefined);
    control.stopReading = () => {
      router.stopReading();
      reader.stop();
    };
    let inputError: unknown;
    try {
      await reader.done;
    } catch (e) {
      inputError = e;
    } finally {
      pool?.close();
    }
    let loadError: unknown;
    try {
      // an overwrite is swapped in only when its input really ended (not on a bad line or a signal)
      await router.finish({ complete: inputError === undefined && !control.interruptedBy && !control.stdoutError });
    } catch (e) {
      loadError = e;
    }
    const seconds = (performance.now() - started) / 1000;
    stopProgress();
    metrics.finish(process.stderr.isTTY === true);
    log.info({ ...router.counts, lines: reader.lineNumber, ...(reader.mainThreadLines === undefined ? {} : { mainThreadLines: reader.mainThreadLines }), seconds: Math.round(seconds * 1000) / 1000 }, 'run finished');
    if (enricher) logEnrichSummary(enricher, log);
    if (router.counts.skipped || router.counts.deadLettered) {
      log.warn({ skipped: router.counts.skipped, deadLettered: router.counts.deadLettered }, `rejected records: ${router.counts.skipped} skipped, ${router.counts.deadLettered} stored in _sdc_rejected_records`);
    }
    if (inputError && loadError && inputError !== loadError) log.error({ err: errorText(loadError) }, 'a batch also failed');
    const afterRun = hookStatements(config.after_run_sql);
    const complete = !(inputError ?? loadError) && !control.interruptedBy && !control.stdoutError;
    if (afterRun.length && !complete) log.warn('after_run_sql not run: the run did not complete');
    if (inputError ?? loadError) throw inputError ?? loadError;
    if (complete) await loader.runHook('after_run_sql', afterRun);
    await settleStdout();
    if (control.stdoutError) throw new TargetError(`cannot write state to stdout: ${control.stdoutError.message}`, 74 as never);
    return control.interruptedBy ? 128 + (control.interruptedBy === 'SIGINT' ? 2 : 15) : ExitCode.ok;
  } finally {
    pool?.close();
    await loader.close().catch(() => undefined);
  }
}

/** Where database connections come from: straight to the server, or through the SSH tunnel. */
function connectionsFor(config: ResolvedConfig, log: Logger): ConnectionFactory {
  const connection = connectionSettings(config);
  const tunnel = sshTunnelSettings(config);
  return tunnel ? tunneledConnections(connection, tunnel, log) : directConnections(connection, log);
}

function writeState(control: RunControl, text: string): void {
  if (control.stdoutError) return;
  process.stdout.write(text + '\n', (err) => {
    if (err) control.stdoutError ??= err;
  });
}

/** Waits until every state line written so far has reached stdout (or failed to). */
async function settleStdout(): Promise<void> {
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  await new Promise<void>((resolve) => setImmediate(resolve));
}

export function errorText(e: unknown): string {
  return redactSecrets(e instanceof Error ? e.message : String(e));
}
