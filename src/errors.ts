/** Exit codes (sysexits.h), see DESIGN.md. */
export const ExitCode = {
  ok: 0,
  usage: 64,
  dataError: 65,
  unavailable: 69,
  internal: 70,
  tempFail: 75,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorPlace {
  stream?: string;
  line?: number;
  column?: string;
}

/** Base of every error the target reports to its user. */
export class TargetError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly transient: boolean;
  readonly stream?: string;
  readonly line?: number;
  readonly column?: string;

  constructor(message: string, exitCode: ExitCodeValue, place: ErrorPlace = {}, transient = false, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.transient = transient;
    this.stream = place.stream;
    this.line = place.line;
    this.column = place.column;
  }
}

/** Bad command line or config: exit 64. */
export class ConfigError extends TargetError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** Bad input data (malformed line, record before schema, invalid record): exit 65. */
export class InputError extends TargetError {
  /** For a value PostgreSQL rejected during COPY: the 1-based row of the batch. */
  readonly batchRow?: number;
  /** What is wrong, without where (the message leads with the place). */
  readonly detail: string;
  constructor(message: string, place: ErrorPlace = {}, options?: { cause?: unknown; batchRow?: number }) {
    super(describe(message, place), ExitCode.dataError, place, false, options);
    this.batchRow = options?.batchRow;
    this.detail = message;
  }
}

/** The database refused or failed: exit 69, or 75 when a rerun may help. */
export class DestinationError extends TargetError {
  readonly sqlState?: string;
  constructor(message: string, transient: boolean, place: ErrorPlace = {}, sqlState?: string, cause?: unknown) {
    super(describe(message, place), transient ? ExitCode.tempFail : ExitCode.unavailable, place, transient, { cause });
    this.sqlState = sqlState;
  }
}

/** Prefixes a message with where it happened: `line 12, stream "users", column "id": ...`. */
export function describe(message: string, place: ErrorPlace): string {
  const parts: string[] = [];
  if (place.line !== undefined) parts.push(`line ${place.line}`);
  if (place.stream) parts.push(`stream ${JSON.stringify(place.stream)}`);
  if (place.column) parts.push(`column ${JSON.stringify(place.column)}`);
  return parts.length ? `${parts.join(', ')}: ${message}` : message;
}
