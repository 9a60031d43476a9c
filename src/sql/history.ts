import { columnList, qualified, quoteIdent } from './quote.js';
import { STAGING_TABLE } from './merge.js';

export const HISTORY_CHANGES_TABLE = 'target_postgres_history_changes';

/**
 * The merge of a history (SCD type 2) batch, as statements to run in order after the batch is
 * COPYed into the staging table:
 *  1. keep the records that change something: a delete, or data that differs from the key's
 *     previous version (the record before it in the batch, or the table's current row);
 *  2. close the current row of every key that changed (_sdc_valid_to, _sdc_is_current = false);
 *  3. insert the new versions; each is valid until the next change of its key in the batch.
 * A version starts at the record's _sdc_extracted_at (else _sdc_received_at); a delete ends the
 * current version at its _sdc_deleted_at.
 */
export function buildHistoryMergeSql(schema: string, table: string, copyColumns: readonly string[], dataColumns: readonly string[], keyColumns: readonly string[]): string[] {
  const target = qualified(schema, table);
  const changes = quoteIdent(HISTORY_CHANGES_TABLE);
  const part = keyColumns.map(quoteIdent).join(', ');
  const hashOf = (alias: string) => `md5(ROW(${dataColumns.map((c) => `${alias}.${quoteIdent(c)}`).join(', ')})::text)`;
  const sameKey = (a: string, b: string) => keyColumns.map((k) => `${a}.${quoteIdent(k)} = ${b}.${quoteIdent(k)}`).join(' AND ');
  const cols = columnList(copyColumns);
  return [
    `CREATE TEMP TABLE ${changes} ON COMMIT DROP AS
WITH src AS (
  SELECT s.*,
         ${hashOf('s')} AS tp_hash,
         CASE WHEN s."_sdc_deleted_at" IS NOT NULL THEN s."_sdc_deleted_at" ELSE COALESCE(s."_sdc_extracted_at", s."_sdc_received_at") END AS tp_from,
         lag(CASE WHEN s."_sdc_deleted_at" IS NULL THEN ${hashOf('s')} END) OVER w AS tp_prev_hash,
         row_number() OVER w AS tp_n
  FROM ${quoteIdent(STAGING_TABLE)} s
  WINDOW w AS (PARTITION BY ${keyColumns.map((k) => `s.${quoteIdent(k)}`).join(', ')} ORDER BY s."_sdc_sequence")
)
SELECT src.* FROM src
LEFT JOIN ${target} cur ON ${sameKey('cur', 'src')} AND cur."_sdc_is_current"
WHERE src."_sdc_deleted_at" IS NOT NULL
   OR src.tp_hash IS DISTINCT FROM (CASE WHEN src.tp_n = 1 THEN CASE WHEN cur."_sdc_is_current" THEN ${hashOf('cur')} END ELSE src.tp_prev_hash END)`,
    `UPDATE ${target} AS t SET "_sdc_valid_to" = f.tp_from, "_sdc_is_current" = false
FROM (SELECT DISTINCT ON (${part}) * FROM ${changes} ORDER BY ${part}, "_sdc_sequence") f
WHERE ${sameKey('t', 'f')} AND t."_sdc_is_current"`,
    `INSERT INTO ${target} (${cols}, "_sdc_valid_from", "_sdc_valid_to", "_sdc_is_current")
SELECT ${copyColumns.map((c) => `c.${quoteIdent(c)}`).join(', ')}, c.tp_from, c.tp_to, c.tp_to IS NULL
FROM (SELECT *, lead(tp_from) OVER (PARTITION BY ${part} ORDER BY "_sdc_sequence") AS tp_to FROM ${changes}) c
WHERE c."_sdc_deleted_at" IS NULL`,
  ];
}

/** One current row per key in a history table. */
export function buildHistoryCurrentIndexSql(schema: string, table: string, indexName: string, keyColumns: readonly string[]): string {
  return `CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdent(indexName)} ON ${qualified(schema, table)} (${columnList(keyColumns)}) WHERE "_sdc_is_current"`;
}
