// The common scenario: the target loads one workload into a fresh schema, and the table's row
// count is verified; `check` may assert more about what landed.
import { countRows, verifyCount } from './db.mjs';
import { runTarget } from './run-target.mjs';

/**
 * @param {{ id: string, label: string, schema: string, file: string, table?: string,
 *           settings?: Record<string, unknown>, check?: (ctx: object) => void,
 *           inputBytes?: (files: object) => number }} s
 *   `file` names the workload in ctx.files (wideSinger, narrowSinger, ...); `inputBytes` counts
 *   input the file only points to (BATCH files).
 */
export function targetScenario({ id, label, schema, file, table = 'events', settings = {}, check, inputBytes }) {
  return {
    id,
    label,
    schema,
    input: (files) => files[file],
    inputBytes,
    async run(ctx) {
      const m = await runTarget(ctx, { id, schema, input: ctx.files[file], settings });
      verifyCount(id, countRows(ctx.databaseUrl, schema, table), ctx.rows);
      check?.(ctx);
      return m;
    },
  };
}
