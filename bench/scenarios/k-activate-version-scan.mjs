// (k) ACTIVATE_VERSION x20 (hard_delete) on a table of --rows rows, without performance indexes: each activation scans the table.
import { activateInput, activateVersionScenario } from '../lib/activate-version.mjs';

const id = 'k-activate-version-scan';
const schema = 'bench_activate_scan';

export default {
  id,
  label: '(k) 20 x ACTIVATE_VERSION on a large table, no index',
  schema,
  workerMatrix: false, // no records to parse: parse_workers changes nothing
  input: () => activateInput(id),
  run: (ctx) => activateVersionScenario(ctx, { id, schema, indexes: false }),
};
