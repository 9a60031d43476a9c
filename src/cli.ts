#!/usr/bin/env node
import { parseArgs } from './args.js';
import { ExitCode, TargetError } from './errors.js';
import { redactSecrets } from './log.js';
import { errorText, run, type RunControl } from './run.js';

/**
 * The process around a run: signals (the first stops reading and commits what was read, a
 * second exits at once), a closed stdout, and the exit code with one error line for the user
 * (a stack trace only for internal errors).
 */
async function main(): Promise<void> {
  const control: RunControl = {};
  process.stdout.on('error', (e) => {
    control.stdoutError = e;
    control.stopReading?.();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (control.interruptedBy) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
      control.interruptedBy = signal;
      control.log?.warn({ signal }, 'stopping: committing what was read, then exiting; a second signal exits at once');
      control.stopReading?.();
    });
  }
  let code: number;
  try {
    code = await run(parseArgs(process.argv.slice(2)), control);
  } catch (e) {
    const log = control.log;
    if (e instanceof TargetError) {
      // printed once, as one plain line (it names stream, line and column; the exit code tells the class)
      code = e.exitCode;
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
