import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();

const props = { id: { type: 'integer' }, name: { type: ['string', 'null'] } };
const good = (stream: string) =>
  singer(schemaMsg(stream, props), rec(stream, { id: 1, name: 'one' }), rec(stream, { id: 2, name: 'two' }), state({ [stream]: 2 }));

/** Each case: the text of line 5 (after 4 good lines), what the error must say. */
const cases: Array<[string, (stream: string) => string, string[], Record<string, unknown>?]> = [
  ['truncated JSON', (s) => `{"type":"RECORD","stream":"${s}","record":{"id":3,`, ['not valid JSON']],
  ['JSON that is not an object (no stream to name)', () => '[1,2,3]', ['line is not a JSON object']],
  ['a record before its schema', () => JSON.stringify(rec('other_stream', { id: 1 })), ['stream "other_stream"', 'encountered before a corresponding schema']],
  ['a schema without properties', () => JSON.stringify({ type: 'SCHEMA', stream: 'noprops', schema: { type: 'object' }, key_properties: [] }), ['stream "noprops"', "Line is missing required properties key(s): {'type': 'object'}"]],
  ['an invalid record', (s) => JSON.stringify(rec(s, { id: 3, name: 42 })), ['record does not match', '/name must be string,null']],
  ['a missing key', (s) => JSON.stringify(rec(s, { name: 'no id' })), ['Record is missing one or more key_properties']],
  ['a NUL character', (s) => JSON.stringify(rec(s, { id: 3, name: 'nul\u0000here' })), ['NUL character', 'column "name"']],
  ['a wrong type PostgreSQL rejects (validation off)', (s) => JSON.stringify(rec(s, { id: 'three', name: 'x' })), ['column "id"', 'invalid input syntax for type bigint'], { validate_records: false }],
  ['a line over max_line_bytes', (s) => JSON.stringify(rec(s, { id: 3, name: 'x'.repeat(5000) })), ['longer than 4096 bytes'], { max_line_bytes: 4096 }],
];

describe.each([
  ['encode workers', 2],
  ['main thread only', 0],
])('bad input matrix (%s): exit 65, one line naming line and stream, earlier data committed and its state written', (_mode, workers) => {
  it.each(cases)('%s', async (_name, badLine, mustSay, extra) => {
    const stream = `s${workers}_${cases.findIndex((c) => c[0] === _name)}`;
    const input = good(stream) + badLine(stream) + '\n' + singer(rec(stream, { id: 9, name: 'after' }), state({ [stream]: 9 }));
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'badmatrix', parse_workers: workers, ...extra }, input });
    expect(r.code).toBe(65);
    expect(r.stdout).toEqual([JSON.stringify({ [stream]: 2 })]);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('target-postgres: error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('line 5');
    if (!mustSay.some((m) => m.startsWith('stream "')) && !_name.includes('no stream')) expect(errors[0]).toContain(`stream "${stream}"`);
    for (const m of mustSay) expect(errors[0]).toContain(m);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
    const rows = await db.query<{ id: string }>(`SELECT id::text FROM badmatrix.${stream} ORDER BY ${stream}.id`);
    expect(rows.map((x) => x.id)).toEqual(['1', '2']);
  });

  it('a single line over 100 MB is rejected with the default limit', async () => {
    const stream = `huge${workers}`;
    const input = good(stream) + `{"type":"RECORD","stream":"${stream}","record":{"id":3,"name":"` + 'x'.repeat(101 * 1024 * 1024) + '"}}\n';
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'badmatrix', parse_workers: workers }, input, timeoutMs: 120_000 });
    expect(r.code).toBe(65);
    expect(r.stdout).toEqual([JSON.stringify({ [stream]: 2 })]);
    expect(r.stderr).toContain(`line 5, stream "${stream}": line is longer than 104857600 bytes (max_line_bytes)`);
    expect((await db.query(`SELECT count(*)::int AS n FROM badmatrix.${stream}`))[0].n).toBe(2);
  }, 120_000);
});

describe('on_invalid_record', () => {
  const mixed = (stream: string) =>
    singer(
      schemaMsg(stream, props),
      rec(stream, { id: 1, name: 'ok' }),
      rec(stream, { id: 2, name: 99 }),
      rec(stream, { name: 'no key' }),
      rec(stream, { id: 4, name: 'ok too' }),
      state({ done: true }),
    );

  /** Loads `mixed(stream)` into `schema` with on_invalid_record `mode`; expects success and the final state. */
  async function loadMixed(schema: string, stream: string, mode: string) {
    const r = await runTarget({ config: { ...db.config, default_target_schema: schema, on_invalid_record: mode }, input: mixed(stream) });
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"done":true}']);
    return r;
  }

  it('skip: logs and counts rejected records and loads the rest', async () => {
    const r = await loadMixed('skipinv', 'k', 'skip');
    expect(r.stderr).toContain('rejected records: 2 skipped, 0 stored in _sdc_rejected_records');
    expect((await db.query<{ id: string }>('SELECT id::text FROM skipinv.k ORDER BY k.id')).map((x) => x.id)).toEqual(['1', '4']);
  });

  it('dead_letter: stores stream, line, error and the raw record in _sdc_rejected_records', async () => {
    const r = await loadMixed('dlq', 'd', 'dead_letter');
    expect(r.stderr).toContain('rejected records: 0 skipped, 2 stored in _sdc_rejected_records');
    expect((await db.query<{ id: string }>('SELECT id::text FROM dlq.d ORDER BY d.id')).map((x) => x.id)).toEqual(['1', '4']);
    const rejected = await db.query(`SELECT stream, line::int, error, record FROM dlq._sdc_rejected_records ORDER BY line`);
    expect(rejected).toHaveLength(2);
    expect(rejected[0]).toMatchObject({ stream: 'd', line: 3, record: { id: 2, name: 99 } });
    expect(rejected[0].error).toContain('/name must be string,null');
    expect(rejected[1]).toMatchObject({ stream: 'd', line: 4, record: { name: 'no key' } });
    expect(rejected[1].error).toContain('Record is missing one or more key_properties');
  });
});
