import { describe, expect, it } from 'vitest';
import { transcodeLine } from '../../src/input/fast-record.js';
import { RowOut } from '../../src/stream/row-out.js';
import { processLine, type LineSource } from '../../src/input/line-stage.js';
import type { JsonSchema } from '../../src/protocol/messages.js';
import { buildColumnPlan } from '../../src/schema/columns.js';
import { RecordPipeline, type PipelineSpec } from '../../src/stream/record-pipeline.js';
import { STAMPED_COLUMNS } from '../../src/stream/record-metadata.js';
import { DIFF_SCHEMA, prng, recordLine } from '../helpers/record-generator.js';
import { parseCsv } from './reference-csv.js';
import { valueKindOf } from '../../src/schema/type-map.js';
import { parseJsonLine, stringifyExact } from '../../src/protocol/exact-json.js';

const at = '2024-05-06T07:08:09.123Z';
const source: LineSource = {
  again: () => {
    throw new Error('not used');
  },
};

export function diffPipeline(schema: JsonSchema = DIFF_SCHEMA, overrides: Partial<PipelineSpec> = {}): RecordPipeline {
  const plan = buildColumnPlan(schema, ['id'], { flatten: true, maxDepth: 1, metadata: true });
  const columns = plan.columns.filter((c) => !(c.metadata && STAMPED_COLUMNS.includes(c.metadata))).map((c) => ({ ...c, actualType: c.pgType }));
  return new RecordPipeline({ stream: 's', version: 1, schema, keys: ['id'], columns, validate: true, sanitizeNul: false, keyIdentity: true, syncStartedAt: '1700000000000', source: 's', ...overrides });
}

function normalize(pipeline: RecordPipeline, row: string): unknown[] {
  const fields = parseCsv(row)[0];
  return fields.map((f, i) => (f !== null && valueKindOf(pipeline.columns[i].actualType) === 'json' ? stringifyExact(parseJsonLine(f).value) : f));
}

/** Runs each line both ways; returns how many took the fast path. Fails on the first difference. */
function compare(pipeline: RecordPipeline, lines: string[]): number {
  const pipelines = new Map([['s', [pipeline]]]);
  const out = new RowOut(1 << 16);
  let fast = 0;
  lines.forEach((line, n) => {
    const generic = processLine(line, n + 1, pipelines, at, source, 0);
    out.pos = 0;
    const bytes = Buffer.from(line + '\n');
    const row = transcodeLine(bytes, 0, bytes.length, pipelines, at, out);
    if (!row) return;
    fast++;
    if (generic.kind !== 'row') throw new Error(`line ${n + 1}: the transcoder took a record the generic path made ${generic.kind}: ${line}`);
    const mine = out.buf.toString('utf8', row.rowStart, out.pos);
    const theirs = generic.row as string;
    // a jsonb value is compared as JSON (the transcoder copies the tap's text, the generic path re-serializes it)
    if (mine !== theirs) expect({ line, fields: normalize(pipeline, mine) }).toEqual({ line, fields: normalize(pipeline, theirs) });
    if (row.key !== generic.key || !Object.is(row.order, generic.order)) expect({ line, key: row.key, order: row.order }).toEqual({ line, key: generic.key, order: generic.order });
  });
  return fast;
}

/** Runs `f` with the transcoder switch set (CI runs a whole suite with it off). */
function withTranscoder<T>(value: 'on' | 'off', f: () => T): T {
  const before = process.env.TARGET_POSTGRES_TRANSCODER;
  process.env.TARGET_POSTGRES_TRANSCODER = value;
  try {
    return f();
  } finally {
    if (before === undefined) delete process.env.TARGET_POSTGRES_TRANSCODER;
    else process.env.TARGET_POSTGRES_TRANSCODER = before;
  }
}

describe('the transcoder against the generic path (same rows, keys and order values)', () => {
  it('writes the same fields for 20,000 generated records of every type, format and escape', () => {
    const r = prng(42);
    const lines = Array.from({ length: 20_000 }, (_, i) => recordLine(r, i + 1));
    const pipeline = withTranscoder('on', () => diffPipeline());
    expect(pipeline.transcoder, pipeline.transcoderOff).toBeDefined();
    const fast = compare(pipeline, lines);
    // both paths are exercised: most records transcoded, the odd ones left to the generic path
    expect(fast).toBeGreaterThan(lines.length * 0.5);
    expect(fast).toBeLessThan(lines.length * 0.95);
  });

  it('leaves to the generic path what it cannot prove: it never takes a record the generic path rejects', () => {
    const pipeline = withTranscoder('on', () => diffPipeline());
    const pipelines = new Map([['s', [pipeline]]]);
    const declined = [
      '{"type":"RECORD","stream":"s","record":{"id":1.5}}',
      '{"type":"RECORD","stream":"s","record":{"id":1,"amount":1.50}}',
      '{"type":"RECORD","stream":"s","record":{"id":1,"amount":1e3}}',
      '{"type":"RECORD","stream":"s","record":{"id":-0}}',
      '{"type":"RECORD","stream":"s","record":{"id":1,"name":"a\\u0000"}}',
      '{"type":"RECORD","stream":"s","record":{"id":1,"name":"\\ud83d"}}',
      '{"type":"RECORD","stream":"s","record":{"id":1,"name":"\\udc00\\ud83d"}}',
      '{"type":"RECORD","stream":"s","record":{"id":1,"id":2}}',
      '{"type":"RECORD","stream":"s","record":{"id":1,"address":{"zip":"1"},"address":null}}',
      '{"type":"RECORD","stream":"s","record":{"id":1,"nope":2}}',
      '{"type":"RECORD","stream":"s","record":{"id":1,"created_at":"2024-02-30T00:00:00Z"}}',
      '{"type":"RECORD","stream":"s","record":{"id":1,"day":"2024-13-01"}}',
      '{"type":"RECORD","stream":"s","record":{"id":1,"uid":"not-a-uuid"}}',
      '{"type":"RECORD","stream":"s","record":{"id":1,"tags":[1]}}',
      '{"type":"RECORD","stream":"s","record":{"id":1,"flag":"yes"}}',
      '{"type":"RECORD","stream":"s","record":{"name":"no key"}}',
      '{"type":"RECORD","stream":"s","record":{"id":null}}',
      '{"type":"RECORD","stream":"s","record":{"id":1},"other":1}',
      '{"type":"RECORD","stream":"s","record":{"id":1},"version":1.5}',
      '{"type":"RECORD","record":{"id":1},"stream":"s"}',
      '{"type":"RECORD","stream":"s","record":{"id":1,"extra":{"a":1.0}}}',
      '{"type":"RECORD","stream":"s","record":{"id":1,"extra":{"a":1}}',
      '{"stream":"s","type":"RECORD","record":{"id":1,"name":"x\u0001"}}',
      '{"type":"RECORD","stream":"s","record":{"id":1,"name":"\\x"}}',
      '{"type":"record","stream":"s","record":{"id":1}}',
      '{"type":"RECORD","stream":"s","record":{"id":12345678901234567890123}}',
      // the usual head, then something the one-pass head reader must not take
      '{"type":"RECORD","stream":"s"}',
      '{"type":"RECORD","stream":"s","stream":"s","record":{"id":1}}',
      '{"type":"RECORD","stream":"s","type":"RECORD","record":{"id":1}}',
      '{"type":"RECORD","stream":"s"x,"record":{"id":1}}',
      '{"type": "RECORD", "stream": "s"}',
    ];
    const out = new RowOut(1024);
    for (const line of declined) {
      const bytes = Buffer.from(line);
      expect(transcodeLine(bytes, 0, bytes.length, pipelines, at, out), line).toBeUndefined();
      expect(out.pos, line).toBe(0);
    }
    // bytes that are not UTF-8 are the generic path's to report
    const bad = Buffer.concat([Buffer.from('{"type":"RECORD","stream":"s","record":{"id":1,"name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]);
    expect(transcodeLine(bad, 0, bad.length, pipelines, at, out)).toBeUndefined();
    const taken = ['{"stream":"s","type":"RECORD","record":{"id":1}}', '{"type":"RECORD","stream":"s","record":{"address":null,"id":1},"version":null,"time_extracted":null}', ' { "type" : "RECORD" , "stream" : "s" , "record" : { "id" : 7 } } \r', '{"type": "RECORD", "stream": "s", "record": {"id": 7}, "time_extracted": "2024-01-01T00:00:00Z"}', '{"type":"RECORD","stream":"s" , "record":{"id":1},"version":3}', '{"type":"RECORD","stream":"s","record":{"id":2},"time_extracted":"2024-01-01T00:00:00Z","version":4}'];
    for (const line of taken) expect(compare(pipeline, [line]), line).toBe(1);
  });

  it('is off for schemas outside its subset, and when TARGET_POSTGRES_TRANSCODER=off', () => {
    withTranscoder('on', () => {
      expect(diffPipeline({ type: 'object', properties: { id: { type: 'integer', minimum: 0 } } }).transcoderOff).toBe('keyword minimum');
      expect(diffPipeline({ type: 'object', properties: { id: { type: 'integer' }, v: { anyOf: [{ type: 'string' }] } } }).transcoderOff).toBe('keyword anyOf');
    });
    expect(withTranscoder('off', () => diffPipeline()).transcoder).toBeUndefined();
  });
});
