import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { startTarget } from '../helpers/spawn-target.js';
import { activateVersion, rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'tp-batch-'));

const schema = schemaMsg('events', {
  id: { type: 'integer' },
  name: { type: ['string', 'null'] },
  amount: { type: ['number', 'null'] },
  meta: { type: ['object', 'null'], properties: { a: { type: ['integer', 'null'] }, b: { type: ['string', 'null'] } } },
  at: { type: ['string', 'null'], format: 'date-time' },
});
/** Record lines as a tap's batch file holds them (raw text, so exact numbers stay exact). */
const recordLine = (i: number) =>
  `{"id":${i},"name":${JSON.stringify(i % 5 === 0 ? `é "q", \\ ${i}` : `n${i}`)},"amount":${i % 7 === 0 ? '123456789012345678901234.5678' : i / 8},"meta":{"a":${i},"b":"x${i}"},"at":"2024-01-0${(i % 9) + 1}T10:00:00+02:00"}`;
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => recordLine(from + k)).join('\n') + '\n';

function file(name: string, text: string, gzip: boolean): string {
  const path = join(dir, name);
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return pathToFileURL(path).href;
}
const batch = (manifest: string[], compression = 'gzip', extra: Record<string, unknown> = {}) => ({ type: 'BATCH', stream: 'events', encoding: { format: 'jsonl', compression }, manifest, ...extra });
const rows = (schemaName: string) =>
  db.query(`SELECT id, name, amount::text, meta__a, meta__b, at FROM ${schemaName}.events ORDER BY id`);

describe.each([0, 2])('BATCH messages (parse_workers %i)', (workers) => {
  const config = (schemaName: string) => ({ ...db.config, default_target_schema: schemaName, parse_workers: workers, flattening_enabled: true, flattening_max_depth: 1 });

  it('loads gzip and plain files exactly as the same records sent as RECORD messages', async () => {
    const viaBatch = `b_batch_${workers}`;
    const viaRecords = `b_records_${workers}`;
    const manifest = [file(`a-${workers}.jsonl.gz`, lines(1, 700), true), file(`b-${workers}.jsonl.gz`, lines(701, 1500), true)];
    const r = await runTarget({ config: config(viaBatch), input: singer(schema, state({ at: 0 }), batch(manifest), batch([file(`c-${workers}.jsonl`, lines(1501, 1600), false)], 'none'), state({ at: 1600 })) });
    expect(r.stderr).not.toMatch(/"level":50/);
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"at":0}', '{"at":1600}']);
    const records = singer(schema) + lines(1, 1600).trimEnd().split('\n').map((l) => `{"type":"RECORD","stream":"events","record":${l}}`).join('\n') + '\n';
    expect((await runTarget({ config: config(viaRecords), input: records })).code).toBe(0);
    const got = await rows(viaBatch);
    expect(got).toHaveLength(1600);
    expect(got).toEqual(await rows(viaRecords));
    expect(got[6]).toMatchObject({ id: '7', amount: '123456789012345678901234.5678', meta__a: '7', meta__b: 'x7' });
    expect(got[4].name).toBe('é "q", \\ 5');
  });

  it("writes each STATE after a BATCH only once all of the BATCH's records are committed (checked while it runs)", async () => {
    const s = `b_wm_${workers}`;
    const messages: unknown[] = [schema];
    for (let k = 0; k < 8; k++) {
      messages.push(batch([file(`wm-${workers}-${k}a.jsonl.gz`, lines(k * 200 + 1, k * 200 + 90), true), file(`wm-${workers}-${k}b.jsonl.gz`, lines(k * 200 + 91, k * 200 + 160), true)]));
      messages.push(batch([file(`wm-${workers}-${k}c.jsonl`, lines(k * 200 + 161, k * 200 + 200), false)], 'none'));
      messages.push(state({ upTo: (k + 1) * 200 }));
    }
    const violations: string[] = [];
    const checks: Promise<void>[] = [];
    const t = startTarget({ ...config(s), batch_size_rows: 37, parallelism: 3 }, [], (line) => {
      const upTo = (JSON.parse(line) as { upTo: number }).upTo;
      checks.push(
        (async () => {
          const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${s}.events`).catch(() => [{ n: 0 }]);
          if (n < upTo) violations.push(`${line} written with ${n} rows committed`);
        })(),
      );
    });
    t.child.stdin.end(singer(...messages));
    const { code } = await t.exited;
    await Promise.all(checks);
    expect(code).toBe(0);
    expect(violations).toEqual([]);
    expect(t.stdout.at(-1)).toBe('{"upTo":1600}');
  });

  it('keeps input order across RECORD and BATCH messages: a later record of the same key wins', async () => {
    const s = `b_order_${workers}`;
    const input = singer(schema, rec('events', { id: 1, name: 'before' }), batch([file(`o-${workers}.jsonl.gz`, '{"id":1,"name":"in batch"}\n{"id":2,"name":"in batch"}\n', true)]), rec('events', { id: 2, name: 'after' }));
    expect((await runTarget({ config: config(s), input })).code).toBe(0);
    expect(await db.query(`SELECT id, name FROM ${s}.events ORDER BY id`)).toEqual([
      { id: '1', name: 'in batch' },
      { id: '2', name: 'after' },
    ]);
  });

  it('a bad line in a file names the file and its line; the records before it are committed, a later state is not written', async () => {
    const s = `b_bad_${workers}`;
    const url = file(`bad-${workers}.jsonl.gz`, lines(1, 300) + '{"id":"x"}\n' + lines(302, 310), true);
    const r = await runTarget({ config: config(s), input: singer(schema, state({ at: 'before' }), batch([url]), state({ at: 'after' })) });
    expect(r.code).toBe(65);
    expect(r.stderr).toContain(`line 3, stream "events": BATCH file ${url} line 301: record does not match the stream's schema`);
    expect(r.stdout).toEqual(['{"at":"before"}']);
    expect(await db.query(`SELECT count(*)::int AS n FROM ${s}.events`)).toEqual([{ n: 300 }]);
  });
});

describe('BATCH messages: what is refused, clearly', () => {
  const run = (message: unknown) => runTarget({ config: { ...db.config, default_target_schema: 'b_refused' }, input: singer(schema, rec('events', { id: 1 }), state({ s: 1 }), message) });

  it('a missing file (exit 65, earlier records committed and their state written)', async () => {
    const url = pathToFileURL(join(dir, 'nope.jsonl.gz')).href;
    const r = await run(batch([url]));
    expect(r.code).toBe(65);
    expect(r.stderr).toContain(`line 4, stream "events": BATCH file ${url} cannot be read: ENOENT`);
    expect(r.stdout).toEqual(['{"s":1}']);
    expect(await db.query('SELECT id FROM b_refused.events')).toEqual([{ id: '1' }]);
  });

  it('a file that is not gzip, a line that is no object, other URL schemes, Parquet', async () => {
    const plain = file('plain.jsonl', lines(1, 3), false);
    expect((await run(batch([plain]))).stderr).toContain(`BATCH file ${plain} is not valid gzip data`);
    const array = file('array.jsonl', '[1,2]\n', false);
    expect((await run(batch([array], 'none'))).stderr).toContain(`BATCH file ${array} line 1: a line of a BATCH file must be one record, a JSON object`);
    const s3 = await run(batch(['s3://bucket/batch-1.jsonl.gz']));
    expect(s3.code).toBe(65);
    expect(s3.stderr).toContain('BATCH manifest entry s3://bucket/batch-1.jsonl.gz: only file:// URLs are supported (not s3://)');
    const parquet = await run({ type: 'BATCH', stream: 'events', encoding: { format: 'parquet' }, manifest: [plain] });
    expect(parquet.stderr).toContain('BATCH encoding format "parquet" is not supported: this target reads jsonl batch files');
    expect((await run(batch([plain], 'zstd'))).stderr).toContain('BATCH compression "zstd" is not supported: use gzip or none');
  });

  it('stream maps apply to BATCH records; a value PostgreSQL rejects names the file and its line', async () => {
    const s = 'b_maps';
    const url = file('maps.jsonl', lines(1, 4), false);
    const maps = { events: { name: 'name.upper()', at: null, __alias__: 'ev' }, ev_small: { __source__: 'events', __filter__: 'id <= 2', __else__: null } };
    const r = await runTarget({ config: { ...db.config, default_target_schema: s, stream_maps: maps }, input: singer(schema, batch([url], 'none')) });
    expect(r.code).toBe(0);
    expect(await db.query(`SELECT id, name FROM ${s}.ev ORDER BY id`)).toEqual(['N1', 'N2', 'N3', 'N4'].map((name, i) => ({ id: String(i + 1), name })));
    expect(await db.query(`SELECT id FROM ${s}.ev_small ORDER BY id`)).toEqual([{ id: '1' }, { id: '2' }]);
    // a CHECK constraint (made by hand) rejects the second record's name during the COPY
    await db.query(`CREATE SCHEMA b_copyerr; CREATE TABLE b_copyerr.events (id bigint, name text CHECK (length(name) <= 3))`);
    const bad = file('copyerr.jsonl', '{"id":1,"name":"abc"}\n\n{"id":2,"name":"abcd"}\n', false);
    const e = await runTarget({ config: { ...db.config, default_target_schema: 'b_copyerr', add_record_metadata: false }, input: singer(schemaMsg('events', { id: { type: 'integer' }, name: { type: 'string' } }, []), batch([bad], 'none')) });
    expect(e.code).toBe(65);
    expect(e.stderr).toContain(`stream "events": BATCH file ${bad} line 3: PostgreSQL rejected a value for table b_copyerr.events`);
    expect(await db.query('SELECT id FROM b_copyerr.events')).toEqual([{ id: '1' }]);
  });

  it("a BATCH's version stamps _sdc_table_version, and ACTIVATE_VERSION after it deletes older versions", async () => {
    const s = 'b_version';
    const c = { ...db.config, default_target_schema: s, hard_delete: true };
    expect((await runTarget({ config: c, input: singer(schema, batch([file('v1.jsonl', lines(1, 5), false)], 'none', { version: 1 }), activateVersion('events', 1)) })).code).toBe(0);
    expect((await runTarget({ config: c, input: singer(schema, batch([file('v2.jsonl', lines(4, 6), false)], 'none', { version: 2 }), activateVersion('events', 2)) })).code).toBe(0);
    expect(await db.query(`SELECT id, _sdc_table_version FROM ${s}.events ORDER BY id`)).toEqual([
      { id: '4', _sdc_table_version: '2' },
      { id: '5', _sdc_table_version: '2' },
      { id: '6', _sdc_table_version: '2' },
    ]);
  });
});
