// (e) The target, append-only, the wide rows spread round-robin over 20 interleaved streams.
import { psql, verifyCount } from '../lib/db.mjs';
import { runTarget } from '../lib/run-target.mjs';
import { STREAM_COUNT } from '../lib/workloads.mjs';

const id = 'e-target-append-20-streams';
const schema = 'bench_streams';

export default {
  id,
  label: `(e) target append-only, ${STREAM_COUNT} interleaved streams`,
  schema,
  input: (files) => files.streamsSinger,
  async run(ctx) {
    const m = await runTarget(ctx, { id, schema, input: ctx.files.streamsSinger });
    const perTable = psql(
      ctx.databaseUrl,
      `SELECT count(*) FROM information_schema.tables WHERE table_schema = '${schema}' AND table_name LIKE 'events\\_%'`,
    );
    if (Number(perTable) !== STREAM_COUNT) throw new Error(`"${id}": expected ${STREAM_COUNT} tables in ${schema}, found ${perTable}`);
    const union = Array.from({ length: STREAM_COUNT }, (_, i) => `SELECT count(*) AS n FROM "${schema}"."events_${String(i).padStart(2, '0')}"`).join(' UNION ALL ');
    verifyCount(id, Number(psql(ctx.databaseUrl, `SELECT sum(n) FROM (${union}) s`)), ctx.rows);
    return m;
  },
};
