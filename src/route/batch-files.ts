import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { pipeline, type Readable } from 'node:stream';
import { InputError } from '../errors.js';
import type { LineItem } from '../input/line-stage.js';
import type { InputReader, ItemSink } from '../input/reader.js';
import type { RecordsOf } from '../input/worker-protocol.js';
import type { BatchMessage } from '../protocol/messages.js';

/** Opens a reader over lines that are records of one stream, on the run's reader kind (serial or the encode workers). */
export type RecordsReader = (input: Readable, accept: ItemSink, recordsOf?: RecordsOf) => InputReader;

/** What reading a BATCH message needs from the router. */
export interface BatchContext {
  readonly outputs: Map<string, string[]>;
  /** The router's entry (items are numbered there like any other). */
  readonly accept: ItemSink;
  readonly openRecords: RecordsReader | undefined;
  /** The reader of the BATCH files being read now, to stop on a signal. */
  batchReader: InputReader | undefined;
  /** Set when reading must stop (a signal): no further BATCH file is opened. */
  readonly stopped: boolean;
  /** Where rows came from, by record sequence, so that a value PostgreSQL rejects names its file. */
  readonly batchFiles: BatchFileRanges;
  /** The sequence number the next item will get. */
  nextSeq(): number;
  oldestUncommitted(): number;
}

/** The record sequences each BATCH file's rows got, to name the file in a COPY error. */
export class BatchFileRanges {
  private ranges: Array<{ from: number; to: number; url: string }> = [];

  /** A file whose rows get sequences from `from` on, until its range is closed with the last one. */
  open(from: number, url: string, oldestUncommitted: number): { to: number } {
    // ranges whose rows are all committed can no longer be named in an error
    this.ranges = this.ranges.filter((r) => r.to >= oldestUncommitted);
    const range = { from, to: Infinity, url };
    this.ranges.push(range);
    return range;
  }

  fileOf(seq: number): string | undefined {
    return this.ranges.find((r) => seq >= r.from && seq <= r.to)?.url;
  }
}

const COMPRESSIONS = new Set(['gzip', 'none']);

/**
 * BATCH: the records in the manifest's files, one JSON object a line (gzip or plain), go
 * through the same record pipelines as RECORD messages, in order, with their own sequence
 * numbers: a STATE after the BATCH is written only once all of them are committed. A file that
 * cannot be read, or a bad line in it, is an input error naming the file and its line; the
 * records before it are committed.
 */
export async function onBatch(r: BatchContext, message: BatchMessage, line: number): Promise<void> {
  const stream = message.stream;
  const fail = (what: string): never => {
    throw new InputError(what, { line, stream });
  };
  if (!r.outputs.has(stream)) fail(`A BATCH message for stream "${stream}" was encountered before a corresponding schema`);
  if (message.encoding.format !== 'jsonl') {
    fail(`BATCH encoding format "${message.encoding.format}" is not supported: this target reads jsonl batch files (set the tap's batch_config encoding format to jsonl)`);
  }
  const compression = message.encoding.compression ?? 'none';
  if (!COMPRESSIONS.has(compression)) fail(`BATCH compression "${compression}" is not supported: use gzip or none`);
  if (!r.openRecords) throw new Error('internal: no reader for BATCH files');
  const recordsOf: RecordsOf = { stream, ...(message.version !== undefined ? { version: message.version } : {}) };
  for (const url of message.manifest) {
    if (r.stopped) return;
    const path = filePath(url, fail);
    let input: Readable;
    try {
      // 256 KiB reads: full blocks for the encode workers, and a short tail when a file ends (measured against 64 KiB and 1 MiB)
      input = (await open(path, 'r')).createReadStream({ highWaterMark: 1 << 18 });
    } catch (e) {
      return fail(`BATCH file ${url} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (compression === 'gzip') {
      // destroying the gunzip stream (the reader stops, or fails) closes the file too
      const gunzip = createGunzip();
      pipeline(input, gunzip, () => undefined);
      input = gunzip;
    }
    const inFile = (detail: string, at: number) => new InputError(`BATCH file ${url} line ${at}: ${detail}`, { line, stream });
    // rejected records name the file and its line; rows keep the file's line, and their
    // sequences name the file, for COPY errors
    const accept = (item: LineItem) =>
      r.accept(
        item.kind === 'invalid'
          ? { ...item, error: inFile(item.error.detail, item.line) }
          : item.kind === 'rows' && item.invalid
            ? { ...item, invalid: item.invalid.map((i) => ({ ...i, error: inFile(i.error.detail, item.line) })) }
            : item,
      );
    const reader = r.openRecords(input, accept, recordsOf);
    r.batchReader = reader;
    const range = r.batchFiles.open(r.nextSeq(), url, r.oldestUncommitted());
    try {
      await reader.done;
    } catch (e) {
      if (e instanceof InputError) throw e.detail.startsWith(`BATCH file `) ? e : inFile(e.detail, e.line ?? 0);
      if (e instanceof Error && 'code' in e && String((e as NodeJS.ErrnoException).code).startsWith('Z_')) fail(`BATCH file ${url} is not valid gzip data: ${e.message}`);
      if (e instanceof Error && 'code' in e && typeof (e as NodeJS.ErrnoException).code === 'string' && !(e as NodeJS.ErrnoException).code!.startsWith('ERR_')) {
        fail(`BATCH file ${url} cannot be read: ${(e as NodeJS.ErrnoException).code}`);
      }
      throw e;
    } finally {
      r.batchReader = undefined;
      range.to = r.nextSeq() - 1;
    }
  }
}

/** The local path of a file:// URL; other schemes are refused. */
function filePath(url: string, fail: (what: string) => never): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(`BATCH manifest entry ${JSON.stringify(url)} is not a URL: use file:///absolute/path`);
  }
  if (parsed.protocol !== 'file:') fail(`BATCH manifest entry ${url}: only file:// URLs are supported (not ${parsed.protocol}//); have the tap write its batch files to a local or mounted directory`);
  if (parsed.host !== '' && parsed.host !== 'localhost') fail(`BATCH manifest entry ${url}: a file:// URL on another host (${parsed.host}) cannot be read`);
  return fileURLToPath(parsed);
}
