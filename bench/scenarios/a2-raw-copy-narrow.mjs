// (a2) Reference for (d): psql COPY of the narrow workload's equivalent CSV.
import { rawCopy } from './raw-copy.mjs';

export default {
  id: 'a2-raw-copy-narrow',
  label: '(a2) psql COPY, narrow CSV',
  schema: 'bench_raw_narrow',
  workerMatrix: false,
  input: (files) => files.narrowCsv,
  run: (ctx) => rawCopy(ctx, { id: 'a2-raw-copy-narrow', schema: 'bench_raw_narrow', table: 'narrow', variant: 'narrow', csvFile: ctx.files.narrowCsv }),
};
