// The common scenario: the target loads one workload into a fresh schema, and the table's row
// count is verified; `check` may assert more about what landed.
import { countRows, verifyCount } from './db.mjs';
import { runTarget } from './run-target.mjs';

/**
 * @param {{ id: string, label: string, schema: string, file: string, table?: string,
 *           settings?: Record<string, unknown>, check?: (ctx: object, prepared: unknown) => void,
 *           prepare?: (ctx: object) => Promise<unknown>, inputBytes?: (files: object) => number }} s
 *   `file` names the workload in ctx.files (wideSinger, narrowSinger, ...); `inputBytes` counts
 *   input the file only points to (BATCH files). `prepare` (not timed) fills the schema first:
 *   the measured run then loads into what it left, and `check` gets what it returned.
 */
export function targetScenario({ id, label, schema, file, table = 'events', settings = {}, check, prepare, inputBytes }) {
  return {
    id,
    label,
    schema,
    input: (files) => files[file],
    inputBytes,
    async run(ctx) {
      const prepared = await prepare?.(ctx);
      const m = await runTarget(ctx, { id, schema, input: ctx.files[file], settings, fresh: !prepare });
      verifyCount(id, countRows(ctx.databaseUrl, schema, table), ctx.rows);
      check?.(ctx, prepared);
      return m;
    },
  };
}
