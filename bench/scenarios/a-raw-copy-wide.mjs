// (a) Baseline: psql COPY of the wide workload's equivalent CSV into a typed table with a primary key.
import { rawCopy } from './raw-copy.mjs';

export default {
  id: 'a-raw-copy-wide',
  label: '(a) psql COPY, wide CSV (baseline)',
  baseline: true,
  workerMatrix: false,
  schema: 'bench_raw_wide',
  input: (files) => files.wideCsv,
  run: (ctx) => rawCopy(ctx, { id: 'a-raw-copy-wide', schema: 'bench_raw_wide', table: 'events', variant: 'wide', csvFile: ctx.files.wideCsv }),
};
