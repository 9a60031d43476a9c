import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';
import { startTarget } from '../helpers/spawn-target.js';

const db = useTestDatabase();

describe.each([
  ['encode workers', 2],
  ['main thread only', 0],
])('state watermark (%s)', (_mode, workers) => {
  it('writes only input states, in order, never ahead of committed rows, ending with the last', async () => {
    const streams = ['wm_a', 'wm_b', 'wm_c'];
    const lines: unknown[] = streams.map((s) => schemaMsg(s, { id: { type: 'integer' }, v: { type: 'string' } }));
    const sent: Record<string, number> = { wm_a: 0, wm_b: 0, wm_c: 0 };
    const states: string[] = [];
    for (let i = 1; i <= 300; i++) {
      const s = streams[(i * 7) % 3];
      sent[s]++;
      lines.push(rec(s, { id: sent[s], v: `r${i}` }));
      if (i % 10 === 0) {
        const value = { sent: { ...sent } };
        states.push(JSON.stringify(value));
        lines.push(state(value));
      }
    }
    const violations: string[] = [];
    const checks: Promise<void>[] = [];
    const config = { ...db.config, default_target_schema: `wm${workers}`, batch_size_rows: 3, parallelism: 3, parse_workers: workers };
    // each state line must already be backed by committed rows when it appears
    const t = startTarget(config, [], (line) => {
      const claimed = (JSON.parse(line) as { sent: Record<string, number> }).sent;
      checks.push(
        (async () => {
          for (const s of streams) {
            const [{ n }] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM wm${workers}.${s}`).catch(() => [{ n: '0' }]);
            if (Number(n) < claimed[s]) violations.push(`${line}: ${s} has ${n} committed rows`);
          }
        })(),
      );
    });
    t.child.stdin.end(singer(...lines));
    const { code } = await t.exited;
    const out = t.stdout;
    await Promise.all(checks);
    expect(code).toBe(0);
    expect(violations).toEqual([]);
    expect(out.length).toBeGreaterThan(0);
    expect(out[out.length - 1]).toBe(states[states.length - 1]);
    let pos = -1;
    for (const line of out) {
      const at = states.indexOf(line, pos + 1);
      expect(at, `${line} is an input state after position ${pos}`).toBeGreaterThan(pos);
      pos = at;
    }
  });

  it('writes a state that arrives before any record at once, and identical states once', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: `wm_first${workers}`, parse_workers: workers },
      input: singer(state({ a: 1 }), state({ a: 1 }), schemaMsg('s', { id: { type: 'integer' } }), rec('s', { id: 1 }), state({ a: 2 })),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"a":1}', '{"a":2}']);
  });
});

describe('upsert', () => {
  it('keeps the last record per key inside one batch and across runs, with a composite key', async () => {
    const props = { tenant: { type: 'string' }, id: { type: 'integer' }, v: { type: ['string', 'null'] } };
    const cfg = { ...db.config, default_target_schema: 'ups' };
    const first = await runTarget({
      config: cfg,
      input: singer(
        schemaMsg('t', props, ['tenant', 'id']),
        rec('t', { tenant: 'a', id: 1, v: 'first' }),
        rec('t', { tenant: 'b', id: 1, v: 'other tenant' }),
        rec('t', { tenant: 'a', id: 1, v: 'second' }),
        rec('t', { tenant: 'a', id: 2, v: 'x' }),
      ),
    });
    expect(first.code).toBe(0);
    const second = await runTarget({
      config: cfg,
      input: singer(schemaMsg('t', props, ['tenant', 'id']), rec('t', { tenant: 'a', id: 2, v: null }), rec('t', { tenant: 'c', id: 9, v: 'new' })),
    });
    expect(second.code).toBe(0);
    const rows = await db.query('SELECT tenant, id::text, v FROM ups.t ORDER BY tenant, id');
    expect(rows).toEqual([
      { tenant: 'a', id: '1', v: 'second' },
      { tenant: 'a', id: '2', v: null },
      { tenant: 'b', id: '1', v: 'other tenant' },
      { tenant: 'c', id: '9', v: 'new' },
    ]);
    const pk = await db.query<{ cols: string }>(
      `SELECT string_agg(a.attname, ',' ORDER BY array_position(i.indkey::int2[], a.attnum)) AS cols FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'ups.t'::regclass AND i.indisprimary`,
    );
    expect(pk[0].cols).toBe('tenant,id');
  });
});

describe('values arrive exactly', () => {
  it('round-trips hostile strings, empty and null', async () => {
    const values = ['a "quoted", value', 'line1\nline2\r\nline3\r', 'back\\slash', 'tab\there', '\\N', 'NULL', '', '\\.', 'Zoë Ωμέγα 漢字 🚀', ',', '"', ' padded '];
    const input = singer(schemaMsg('s', { id: { type: 'integer' }, v: { type: ['string', 'null'] } }), ...values.map((v, i) => rec('s', { id: i, v })), rec('s', { id: 100, v: null }), rec('s', { id: 101 }));
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'strs' }, input });
    expect(r.code).toBe(0);
    const rows = await db.query<{ v: string | null }>('SELECT v FROM strs.s ORDER BY s.id');
    expect(rows.map((x) => x.v)).toEqual([...values, null, null]);
  });

  it('keeps bigint bounds, 30-digit decimals and timestamp instants exact', async () => {
    const text = [
      JSON.stringify(schemaMsg('n', { id: { type: 'integer' }, big: { type: 'integer' }, dec: { type: 'number' }, ts: { type: ['string', 'null'], format: 'date-time' } })),
      '{"type":"RECORD","stream":"n","record":{"id":1,"big":9223372036854775807,"dec":123456789012345678901234567890.123456789,"ts":"2024-01-01T12:00:00+05:30"}}',
      '{"type":"RECORD","stream":"n","record":{"id":2,"big":-9223372036854775808,"dec":0.100000000000000000000000000001,"ts":"2024-01-01T12:00:00"}}',
      '{"type":"RECORD","stream":"n","record":{"id":3,"big":9007199254740993,"dec":-1e-7,"ts":"1999-12-31T23:59:59.999999Z"}}',
    ].join('\n');
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'nums' }, input: text + '\n' });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const rows = await db.query(`SELECT id::text, big::text, dec::text, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS ts FROM nums.n ORDER BY id`);
    expect(rows).toEqual([
      { id: '1', big: '9223372036854775807', dec: '123456789012345678901234567890.123456789', ts: '2024-01-01 06:30:00.000000' },
      { id: '2', big: '-9223372036854775808', dec: '0.100000000000000000000000000001', ts: '2024-01-01 12:00:00.000000' },
      { id: '3', big: '9007199254740993', dec: '-0.0000001', ts: '1999-12-31 23:59:59.999999' },
    ]);
    const types = await db.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'nums' AND table_name = 'n' AND column_name IN ('big','dec','ts') ORDER BY column_name`);
    expect(types).toEqual([
      { column_name: 'big', data_type: 'bigint' },
      { column_name: 'dec', data_type: 'numeric' },
      { column_name: 'ts', data_type: 'timestamp with time zone' },
    ]);
  });
});

describe('bad input', () => {
  it('commits rows before a malformed line, writes the state before it, and names the line', async () => {
    const good = singer(schemaMsg('bad', { id: { type: 'integer' } }), rec('bad', { id: 1 }), rec('bad', { id: 2 }), state({ pos: 2 }));
    const input = good + '{"type":"RECORD","stream":"bad","record":{"id":3}\n' + singer(rec('bad', { id: 4 }), state({ pos: 4 }));
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'badjson' }, input });
    expect(r.code).toBe(65);
    expect(r.stdout).toEqual(['{"pos":2}']);
    const errLines = r.stderr.split('\n').filter((l) => l.startsWith('target-postgres: error:'));
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toContain('line 5');
    expect(errLines[0]).toContain('not valid JSON');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const rows = await db.query('SELECT id::text FROM badjson.bad ORDER BY id');
    expect(rows).toEqual([{ id: '1' }, { id: '2' }]);
  });

  it('rejects a record before its schema, naming the stream and line', async () => {
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'rbs' }, input: singer(rec('nope', { id: 1 })) });
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('line 1, stream "nope": A record for stream "nope" was encountered before a corresponding schema');
  });

  it('reports every validation problem of an invalid record with its path', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'inv' },
      input: singer(
        schemaMsg('v', { id: { type: 'integer' }, when: { type: 'string', format: 'date-time' }, n: { type: 'number' } }),
        rec('v', { id: 1, when: '2024-01-01T00:00:00Z', n: 1 }),
        state({ ok: 1 }),
        rec('v', { id: 'x', when: 'yesterday', n: 1 }),
      ),
    });
    expect(r.code).toBe(65);
    expect(r.stdout).toEqual(['{"ok":1}']);
    expect(r.stderr).toContain('line 4, stream "v": record does not match');
    expect(r.stderr).toContain('/id must be integer');
    expect(r.stderr).toContain('/when must match format "date-time"');
    expect(await db.query('SELECT id::text FROM inv.v')).toEqual([{ id: '1' }]);
  });

  it('names a record missing a key property', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'mk' },
      input: singer(schemaMsg('k', { id: { type: 'integer' }, m: { type: 'integer' } }), rec('k', { m: 1 })),
    });
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('Record is missing one or more key_properties');
  });

  it("answers a BATCH message before its stream's SCHEMA with a clear error", async () => {
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'batchmsg' }, input: singer({ type: 'BATCH', stream: 's', encoding: { format: 'jsonl' }, manifest: [] }) });
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('line 1, stream "s": A BATCH message for stream "s" was encountered before a corresponding schema');
  });
});

describe('messages', () => {
  it('accepts lower-case types, CRLF and blank lines, and ignores unknown types', async () => {
    const input = [
      JSON.stringify({ type: 'schema', stream: 'm', schema: { type: 'object', properties: { id: { type: 'integer' } } }, key_properties: ['id'] }),
      '',
      JSON.stringify({ type: 'record', stream: 'm', record: { id: 1 } }),
      JSON.stringify({ type: 'SOMETHING_NEW', payload: 1 }),
      JSON.stringify({ type: 'state', value: { done: true } }),
    ].join('\r\n');
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'msgs' }, input });
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"done":true}']);
    expect(await db.query('SELECT id::text FROM msgs.m')).toEqual([{ id: '1' }]);
  });

  it('creates the schema of stream a-b and prefixes tables', async () => {
    const r = await runTarget({
      config: { ...db.config, table_prefix: 'raw_' },
      input: singer(schemaMsg('sales-orders', { id: { type: 'integer' } }), rec('sales-orders', { id: 5 })),
    });
    expect(r.code).toBe(0);
    expect(await db.query('SELECT id::text FROM sales.raw_orders')).toEqual([{ id: '5' }]);
  });
});
