import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { processLine, type LineItem, type LineSource } from '../../src/input/line-stage.js';
import { RecordPipeline } from '../../src/stream/record-pipeline.js';

const pipeline = new RecordPipeline({
  stream: 's',
  version: 3,
  schema: { type: 'object', properties: { id: { type: 'integer' }, v: { type: 'string' } } },
  keys: ['id'],
  columns: [
    { name: 'id', path: ['id'], pgType: 'bigint', actualType: 'bigint' },
    { name: 'v', path: ['v'], pgType: 'text', actualType: 'text' },
    { name: '_sdc_received_at', path: [], metadata: '_sdc_received_at', pgType: 'timestamptz', actualType: 'timestamptz' },
  ],
  validate: true,
  sanitizeNul: false,
  keyIdentity: true,
  syncStartedAt: '1700000000000',
  source: 's',
});
const pipelines = new Map([['s', [pipeline]]]);
const at = '2024-01-01T00:00:00.000Z';
const source: LineSource = { again: (_i, line) => run(again, line) };
let again = '';
const run = (text: string, line = 7): LineItem => processLine(text, line, pipelines, at, source, 0);

describe('processLine (the line stage both readers and the encode workers run)', () => {
  it('runs a RECORD of a known stream through its pipeline into a row', () => {
    const item = run('{"type":"RECORD","stream":"s","record":{"id":5,"v":"x"}}\r');
    expect(item).toMatchObject({ kind: 'row', line: 7, stream: 's', version: 3, row: `5,"x",${at}\n`, key: '5' });
    if (item.kind !== 'row') throw new Error('not a row');
    expect(item.source).toBe(source);
    again = '{"type":"RECORD","stream":"s","record":{"id":6,"v":"y"}}';
    expect(item.source.again(item.index, 8)).toMatchObject({ kind: 'row', line: 8, row: `6,"y",${at}\n` });
  });

  it('gives other messages, and RECORDs of unknown streams, as messages', () => {
    expect(run('{"type":"STATE","value":{"a":1}}')).toEqual({ kind: 'message', line: 7, message: { type: 'STATE', value: { a: 1 } } });
    expect(run('{"type":"RECORD","stream":"other","record":{}}')).toMatchObject({ kind: 'message', message: { type: 'RECORD', stream: 'other' } });
    expect(run('{"type":"SCHEMA","stream":"s","schema":{"properties":{}},"key_properties":[]}')).toMatchObject({ kind: 'message', message: { type: 'SCHEMA' } });
  });

  it('skips blank lines and messages of unknown types', () => {
    expect(run('')).toEqual({ kind: 'skip', line: 7 });
    expect(run('\r')).toEqual({ kind: 'skip', line: 7 });
    expect(run('   ')).toEqual({ kind: 'skip', line: 7 });
    expect(run('{"type":"FUTURE"}')).toEqual({ kind: 'skip', line: 7, ignoredType: 'FUTURE' });
  });

  it('makes a record its pipeline rejects an invalid item, with the error naming line and stream', () => {
    const item = run('{"type":"RECORD","stream":"s","record":{"id":"x"}}', 9);
    expect(item.kind).toBe('invalid');
    if (item.kind !== 'invalid') throw new Error('not invalid');
    expect(item.error.message).toBe(`line 9, stream "s": record does not match the stream's schema: /id must be integer`);
    expect(item.message.record).toEqual({ id: 'x' });
    const nul = run('{"type":"RECORD","stream":"s","record":{"id":1,"v":"a\\u0000b"}}');
    expect(nul.kind === 'invalid' && nul.error.message).toContain('column "v": the value contains a NUL character');
  });

  it('throws bad JSON and malformed messages as input errors naming the line', () => {
    expect(() => run('{"type":"RECORD","stream":"s",')).toThrow(InputError);
    expect(() => run('{"type":"RECORD","stream":"s",', 12)).toThrow(/^line 12, stream "s": not valid JSON/);
    expect(() => run('{"type":"RECORD","stream":"s","record":[1]}', 3)).toThrow('line 3, stream "s": RECORD message has no "record" object');
    expect(() => run('[1,2]', 4)).toThrow('line 4: line is not a JSON object');
  });
});
