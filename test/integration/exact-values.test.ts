import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();
const exists = async (schema: string, table: string) => (await db.query(`SELECT to_regclass($1) AS t`, [`"${schema}"."${table}"`]))[0].t !== null;

describe('issue 13: schemas the taps really send (draft-04, exact multipleOf)', () => {
  it("loads tap-postgres' draft-04 numeric schema: boolean exclusive bounds, multipleOf checked in decimal", async () => {
    const price = { type: ['null', 'number'], exclusiveMaximum: true, maximum: 1000, exclusiveMinimum: true, minimum: -1000, multipleOf: 0.01 };
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'd4' },
      input: singer({ ...schemaMsg('p', { id: { type: 'integer' }, price }), schema: { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties: { id: { type: 'integer' }, price } } }, rec('p', { id: 1, price: 19.99 }), rec('p', { id: 2, price: 0.07 }), rec('p', { id: 3, price: 999.99 }), state({ ok: 1 })),
    });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(await db.query('SELECT id::int, price::text FROM d4.p ORDER BY id')).toEqual([
      { id: 1, price: '19.99' },
      { id: 2, price: '0.07' },
      { id: 3, price: '999.99' },
    ]);
  });

  it('rejects a value on an exclusive bound or off the multiple, naming line and stream', async () => {
    const price = { type: 'number', exclusiveMaximum: true, maximum: 10, multipleOf: 0.01 };
    const bound = await runTarget({ config: { ...db.config, default_target_schema: 'd4b' }, input: singer(schemaMsg('p', { id: { type: 'integer' }, price }), rec('p', { id: 1, price: 9.99 }), rec('p', { id: 2, price: 10 })) });
    expect(bound.code).toBe(65);
    expect(bound.stderr).toContain('target-postgres: error: line 3, stream "p": record does not match the stream\'s schema: /price must be < 10');
    const multiple = await runTarget({ config: { ...db.config, default_target_schema: 'd4c' }, input: singer(schemaMsg('p', { id: { type: 'integer' }, price }), rec('p', { id: 1, price: 1.005 })) });
    expect(multiple.code).toBe(65);
    expect(multiple.stderr).toContain('/price must be a multiple of 0.01');
  });

  it('a schema that cannot be used for validation is exit 65 at its SCHEMA line, before any table is made', async () => {
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'badschema' }, input: singer(schemaMsg('s', { id: { type: 'integer' }, x: { type: 'no-such-type' } })) });
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/target-postgres: error: line 1, stream "s": the stream's JSON Schema cannot be used to validate records: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await exists('badschema', 's')).toBe(false);
  });
});

describe('issue 13: numbers beyond the double range keep their digits', () => {
  it('stores 1e400, -1e400 and 1e-400 exactly in numeric and jsonb columns', async () => {
    const line = (id: number, n: string) => `{"type":"RECORD","stream":"big","record":{"id":${id},"n":${n},"j":{"v":${n},"a":[${n},2]}}}`;
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'bigexp', flattening_enabled: false },
      input: singer(schemaMsg('big', { id: { type: 'integer' }, n: { type: 'number' }, j: { type: 'object' } })) + [line(1, '1e400'), line(2, '-1e400'), line(3, '1e-400'), line(4, '2.5E-310')].join('\n') + '\n',
    });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    const rows = await db.query<{ id: number; same: boolean; jsame: boolean; asame: boolean; two: string }>(
      `SELECT t.id::int, t.n = x.v AS same, (t.j->>'v')::numeric = x.v AS jsame, (t.j->'a'->>0)::numeric = x.v AS asame, t.j->'a'->>1 AS two
       FROM bigexp.big t JOIN (VALUES (1, '1e400'::numeric), (2, '-1e400'::numeric), (3, '1e-400'::numeric), (4, '2.5e-310'::numeric)) x(id, v) ON x.id = t.id ORDER BY t.id`,
    );
    expect(rows).toEqual([1, 2, 3, 4].map((id) => ({ id, same: true, jsame: true, asame: true, two: '2' })));
  });
});

describe('issue 13: text the tap sends is stored as sent, or refused', () => {
  it('skips a UTF-8 byte-order mark before the first line', async () => {
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'bom' }, input: '\ufeff' + singer(schemaMsg('b', { id: { type: 'integer' } }), rec('b', { id: 1 })) });
    expect(r.code).toBe(0);
    expect(await db.query('SELECT id::int FROM bom.b')).toEqual([{ id: 1 }]);
  });

  it('refuses an unpaired surrogate escape, naming line, stream and property (earlier rows committed); skip drops just that record', async () => {
    const input = singer(schemaMsg('u', { id: { type: 'integer' }, t: { type: 'string' } }), rec('u', { id: 1, t: 'ok 😀' }), state({ s: 1 })) + '{"type":"RECORD","stream":"u","record":{"id":2,"t":"bad \\ud83d"}}\n' + singer(rec('u', { id: 3, t: 'after' }));
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'sur' }, input });
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('target-postgres: error: line 4, stream "u", column "t": the value holds an unpaired UTF-16 surrogate');
    expect(r.stdout).toEqual(['{"s":1}']);
    expect(await db.query('SELECT id::int, t FROM sur.u')).toEqual([{ id: 1, t: 'ok 😀' }]);
    const skipped = await runTarget({ config: { ...db.config, default_target_schema: 'sur2', on_invalid_record: 'skip' }, input });
    expect(skipped.code).toBe(0);
    expect((await db.query<{ id: number }>('SELECT id::int FROM sur2.u ORDER BY id')).map((x) => x.id)).toEqual([1, 3]);
  });

  it('refuses bytes that are not UTF-8, naming the line, in both reader modes', async () => {
    for (const parse_workers of [0, 2]) {
      const schema = `utf${parse_workers}`;
      const head = Buffer.from(singer(schemaMsg('v', { id: { type: 'integer' }, t: { type: 'string' } }), rec('v', { id: 1, t: 'fine' }), state({ s: 1 })));
      const bad = Buffer.concat([Buffer.from('{"type":"RECORD","stream":"v","record":{"id":2,"t":"caf'), Buffer.from([0xe9]), Buffer.from('"}}\n')]);
      const r = await runTarget({ config: { ...db.config, default_target_schema: schema, parse_workers }, input: Buffer.concat([head, bad]) });
      expect(r.code).toBe(65);
      expect(r.stderr).toContain('target-postgres: error: line 4, stream "v": the line is not valid UTF-8');
      expect(r.stdout).toEqual(['{"s":1}']);
      expect(await db.query(`SELECT id::int, t FROM ${schema}.v`)).toEqual([{ id: 1, t: 'fine' }]);
    }
  });
});

describe('issue 13: keys and metadata', () => {
  it("add_record_metadata false keeps the tap's own _sdc_ properties (tap-s3-csv keys on them)", async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 's3csv', add_record_metadata: false },
      input: singer(
        schemaMsg('f', { _sdc_source_file: { type: 'string' }, _sdc_source_lineno: { type: 'integer' }, v: { type: 'string' } }, ['_sdc_source_file', '_sdc_source_lineno']),
        rec('f', { _sdc_source_file: 'a.csv', _sdc_source_lineno: 2, v: 'x' }),
        rec('f', { _sdc_source_file: 'a.csv', _sdc_source_lineno: 2, v: 'y' }),
      ),
    });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(await db.query('SELECT _sdc_source_file, _sdc_source_lineno::int, v FROM s3csv.f')).toEqual([{ _sdc_source_file: 'a.csv', _sdc_source_lineno: 2, v: 'y' }]);
  });

  it('an object key property with flattening on is refused at its SCHEMA (exit 65); kept whole, it keys the rows by its JSON', async () => {
    const props = { pk: { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'string' } } }, v: { type: 'string' } };
    const refused = await runTarget({ config: { ...db.config, default_target_schema: 'objkey', flattening_enabled: true, flattening_max_depth: 1 }, input: singer(schemaMsg('o', props, ['pk'])) });
    expect(refused.code).toBe(65);
    expect(refused.stderr).toContain('target-postgres: error: line 1, stream "o": key property "pk" is an object, which flattening splits into columns');
    expect(await exists('objkey', 'o')).toBe(false);
    const whole = await runTarget({
      config: { ...db.config, default_target_schema: 'objkey2', flattening_enabled: true, flattening_max_depth: 0 },
      input: singer(schemaMsg('o', props, ['pk']), rec('o', { pk: { a: 1, b: 'x' }, v: '1' }), rec('o', { pk: { a: 2, b: 'x' }, v: '2' }), rec('o', { pk: { a: 1, b: 'x' }, v: '3' })),
    });
    expect(whole.code).toBe(0);
    expect(await db.query(`SELECT pk->>'a' AS a, v FROM objkey2.o ORDER BY 1`)).toEqual([{ a: '1', v: '3' }, { a: '2', v: '2' }]);
  });
});

describe('issue 13: connection errors say what is known and what to do', () => {
  it('names no empty stream or table, and gives a hint', async () => {
    const r = await runTarget({ config: { host: '127.0.0.1', port: 1, user: 'x', database: 'y', max_retries: 0 }, input: '' });
    expect(r.code).toBe(75);
    const line = r.stderr.split('\n').find((l) => l.startsWith('target-postgres: error:'))!;
    expect(line).toMatch(/^target-postgres: error: connect ECONNREFUSED 127\.0\.0\.1:1 \[ECONNREFUSED\]; check host and port, and that the server is running$/);
    expect(r.stderr).not.toContain('stream ""');
  });
});

describe('issue 13: $ref and allOf', () => {
  it('stores a date-time behind a $ref as an instant and a single-branch allOf date as a date', async () => {
    const schema = {
      type: 'SCHEMA',
      stream: 'refs',
      key_properties: ['id'],
      schema: {
        type: 'object',
        definitions: { ts: { type: 'string', format: 'date-time' } },
        properties: { id: { type: 'integer' }, at: { $ref: '#/definitions/ts' }, day: { allOf: [{ type: 'string', format: 'date' }] } },
      },
    };
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'refs' }, input: singer(schema, rec('refs', { id: 1, at: '2024-01-01T00:00:00+01:00', day: '2024-02-29' })) });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    const [row] = await db.query<{ at: string; day: string; at_type: string; day_type: string }>(
      `SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS at, day::text AS day, pg_typeof(at)::text AS at_type, pg_typeof(day)::text AS day_type FROM refs.refs`,
    );
    expect(row).toEqual({ at: '2023-12-31 23:00:00', day: '2024-02-29', at_type: 'timestamp with time zone', day_type: 'date' });
  });
});
