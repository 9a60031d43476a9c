import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { DIFF_SCHEMA, prng, recordLine } from '../helpers/record-generator.js';

const db = useTestDatabase();

const RECORDS = 100_000;

/** The generated input: a SCHEMA, 100,000 RECORDs (every type, format and escape), a STATE every 10,000. */
function input(): string {
  const r = prng(20261201);
  const lines = [JSON.stringify({ type: 'SCHEMA', stream: 's', schema: DIFF_SCHEMA, key_properties: ['id'] })];
  for (let i = 1; i <= RECORDS; i++) {
    lines.push(recordLine(r, i));
    if (i % 10_000 === 0) lines.push(JSON.stringify({ type: 'STATE', value: { at: i } }));
  }
  return lines.join('\n') + '\n';
}

/** Every stored value of a row but the run's own timing (received, batched, sequence, sync start). */
const COLUMNS = `id, name, amount, big, small, flag, created_at, day, at_time, uid, address__street, address__zip, address__geo, tags, counts, extra, anything, mixed, _sdc_extracted_at, _sdc_deleted_at, _sdc_table_version`;

describe('the transcoder and binary COPY store exactly what the generic path and CSV store', () => {
  // CI's transcoder-off pass skips it: it sets the switch for each of its runs itself, and runs in the suite's other passes
  it.skipIf(process.env.TARGET_POSTGRES_TRANSCODER === 'off')('loads 100,000 generated records identically through transcoder or generic path, binary or CSV COPY', async () => {
    const text = input();
    const runs = [
      { schema: 'generic_csv', env: { TARGET_POSTGRES_TRANSCODER: 'off' }, format: 'csv' },
      { schema: 'generic_binary', env: { TARGET_POSTGRES_TRANSCODER: 'off' }, format: 'binary' },
      { schema: 'fast_csv', env: { TARGET_POSTGRES_TRANSCODER: 'on' }, format: 'csv' },
      { schema: 'fast_binary', env: { TARGET_POSTGRES_TRANSCODER: 'on' }, format: 'binary' },
    ];
    for (const run of runs) {
      const r = await runTarget({
        config: { ...db.config, default_target_schema: run.schema, copy_format: run.format, on_invalid_record: 'skip', log_level: 'debug', batch_size_rows: 25_000, flattening_enabled: true, flattening_max_depth: 1 },
        input: text,
        env: run.env,
        timeoutMs: 120_000,
      });
      expect(r.stderr).not.toContain('target-postgres: error');
      expect(r.code, r.stderr.slice(-2000)).toBe(0);
      expect(r.stdout.at(-1)).toBe(JSON.stringify({ at: RECORDS }));
      // the run encoded the way it was asked to
      expect(r.stderr).toContain(`"copy_format":"${run.format}","transcoder":"${run.env.TARGET_POSTGRES_TRANSCODER === 'off' ? 'off (TARGET_POSTGRES_TRANSCODER=off)' : 'on'}"`);
    }
    const [{ n }] = await db.query<{ n: string }>('SELECT count(*) AS n FROM generic_csv.s');
    // a few generated records are invalid (a NUL escape) and skipped alike on every path
    expect(Number(n)).toBeGreaterThan(RECORDS * 0.98);
    for (const run of runs.slice(1)) {
      const [counts] = await db.query<{ n: string; missing: string; extra: string }>(
        `SELECT (SELECT count(*) FROM ${run.schema}.s) AS n,
                (SELECT count(*) FROM (SELECT ${COLUMNS} FROM generic_csv.s EXCEPT ALL SELECT ${COLUMNS} FROM ${run.schema}.s) x) AS missing,
                (SELECT count(*) FROM (SELECT ${COLUMNS} FROM ${run.schema}.s EXCEPT ALL SELECT ${COLUMNS} FROM generic_csv.s) x) AS extra`,
      );
      expect({ run: run.schema, ...counts }).toEqual({ run: run.schema, n, missing: '0', extra: '0' });
    }
    // the values went through text exactly: spot checks of what doubles, time zones and escapes would change
    const [spot] = await db.query<{ bigs: string; decimals: string; fractions: string; escapes: string; astral: string }>(
      `SELECT (SELECT count(*) FROM fast_binary.s WHERE abs(big) > 9007199254740993) AS bigs,
              (SELECT count(*) FROM fast_binary.s WHERE length(amount::text) > 18) AS decimals,
              (SELECT count(*) FROM fast_binary.s WHERE created_at <> date_trunc('second', created_at)) AS fractions,
              (SELECT count(*) FROM fast_binary.s WHERE name LIKE '%"%' OR name LIKE E'%\\\\%' OR name LIKE E'%\\n%') AS escapes,
              (SELECT count(*) FROM fast_binary.s WHERE name LIKE '%😀%') AS astral`,
    );
    for (const [k, v] of Object.entries(spot)) expect(Number(v), k).toBeGreaterThan(0);
  }, 600_000);
});
