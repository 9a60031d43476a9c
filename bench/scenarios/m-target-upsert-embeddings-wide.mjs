// (m) The target, upsert on id as (c), plus embeddings of name, note and status (metadata:
// email) through a local OpenAI-compatible server in this process (scripts/fake-openai.mjs):
// what the embedding path costs beyond (c) when the API answers at once. real[] vectors, so
// it runs on any server; BENCH_EMBEDDING_DIMENSIONS sets their length (default 64).
import { psql, quoteIdent, verifyCount, countRows } from '../lib/db.mjs';
import { runTarget } from '../lib/run-target.mjs';
import { startFakeOpenAI } from '../../scripts/fake-openai.mjs';

const id = 'm-target-upsert-embeddings-wide';
const schema = 'bench_upsert_embeddings_wide';
const dimensions = Number(process.env.BENCH_EMBEDDING_DIMENSIONS ?? 64);

export default {
  id,
  label: '(m) target upsert on id + embeddings (local API), wide',
  schema,
  input: (files) => files.wideSinger,
  async run(ctx) {
    const api = await startFakeOpenAI({ apiKey: 'bench-key', defaultDimensions: dimensions });
    try {
      const embeddings = {
        openai: { api_key: 'bench-key', model: 'bench-embedding', dimensions, base_url: api.baseUrl },
        column_type: 'real[]',
        tables: [{ stream: 'events', target_table: 'events_embeddings', embed_columns: ['name', 'note', 'status'], metadata_columns: ['email'] }],
      };
      const m = await runTarget(ctx, { id, schema, input: ctx.files.wideSinger, settings: { load_method: 'upsert', embeddings } });
      verifyCount(id, countRows(ctx.databaseUrl, schema, 'events'), ctx.rows);
      // every row with some text (not only empty or blank strings) has its chunks
      const q = (sql) => Number(psql(ctx.databaseUrl, sql));
      const withText = q(`SELECT count(*) FROM ${quoteIdent(schema)}.events WHERE btrim(concat_ws(' ', name, note, status), E' \\t\\r\\n') <> ''`);
      verifyCount(`${id} (rows with chunks)`, q(`SELECT count(DISTINCT id) FROM ${quoteIdent(schema)}.events_embeddings`), withText);
      m.note = `${api.requests.length} API requests, ${api.inputs().length} inputs`;
      return m;
    } finally {
      await api.close();
    }
  },
};
