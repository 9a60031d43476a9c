// (k2) As (k), with create_performance_indexes: each activation reads the index on _sdc_table_version.
import { activateInput, activateVersionScenario } from '../lib/activate-version.mjs';

const id = 'k2-activate-version-indexed';
const schema = 'bench_activate_indexed';

export default {
  id,
  label: '(k2) 20 x ACTIVATE_VERSION on a large table, create_performance_indexes',
  schema,
  workerMatrix: false, // no records to parse: parse_workers changes nothing
  input: () => activateInput(id),
  run: (ctx) => activateVersionScenario(ctx, { id, schema, indexes: true }),
};
