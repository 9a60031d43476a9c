#!/usr/bin/env node
// Micro-benchmark: validate. The compiled ajv validator (dist/stream/validator.js) on wide
// records; one op = one record.
import { parseJsonLine, toPlainNumbers } from '../../dist/protocol/exact-json.js';
import { compileValidator } from '../../dist/stream/validator.js';
import { bench, microRows, recordLines, report, wideSchemaMessage, wideSinger } from './lib.mjs';

const rows = microRows();
const buf = wideSinger(rows);
const schema = wideSchemaMessage(buf).schema;
const parsed = recordLines(buf).map((l) => parseJsonLine(l));
const plain = parsed.map((p) => JSON.parse(JSON.stringify(p.value.record)));
const n = parsed.length;
const validate = compileValidator(schema);
for (let i = 0; i < n; i++) if (!validate(plain[i])) throw new Error(`record ${i} is invalid: ${JSON.stringify(validate.errors)}`);
const exactCount = parsed.filter((p) => p.exact).length;

const results = [
  await bench('validator(record), plain numbers', n, () => { for (let i = 0; i < n; i++) validate(plain[i]); }),
  await bench('as the target does (toPlainNumbers copy when exact)', n, () => {
    for (let i = 0; i < n; i++) {
      const p = parsed[i];
      validate(p.exact ? toPlainNumbers(p.value.record) : p.value.record);
    }
  }),
];
if (exactCount > 0) {
  results.push(await bench('toPlainNumbers copy alone (exact records)', exactCount, () => {
    for (let i = 0; i < n; i++) if (parsed[i].exact) toPlainNumbers(parsed[i].value.record);
  }));
}
report(`validate (${n.toLocaleString('en-US')} wide records, ajv allErrors + formats)`, results, [
  `${((exactCount / n) * 100).toFixed(1)} % of records hold an ExactNumber and are deep-copied by toPlainNumbers before validation`,
]);
