import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExactNumber } from '../../src/protocol/exact-json.js';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, binaryEncoderFor, binaryRoomNeeded, binaryTypeSupported } from '../../src/stream/binary/index.js';
import { encoderFor } from '../../src/stream/csv.js';
import { SAMPLES, samplesFor } from '../helpers/binary-samples.js';
import { useTestDatabase } from '../helpers/db.js';

/**
 * Every sample value of every supported type is loaded twice: through COPY (FORMAT csv) with
 * csv.ts's encoders and through COPY (FORMAT binary) with the binary encoders; what PostgreSQL
 * stored must be the same, row by row. Declined values are tried through CSV one at a time to
 * count the needless declines (PostgreSQL would have taken them): none for normal values.
 */
const db = useTestDatabase();
const COUNT = Number(process.env.BINARY_SAMPLES ?? 3000);

const hasExact = (v: unknown): boolean =>
  v instanceof ExactNumber || (v !== null && typeof v === 'object' && Object.values(v as object).some(hasExact));

/** One binary field per value (null when declined), growing the buffer as NEED_ROOM asks. */
function binaryFields(pgType: string, values: unknown[]): (Buffer | null)[] {
  const enc = binaryEncoderFor(pgType);
  let out = Buffer.alloc(64);
  return values.map((v) => {
    for (;;) {
      const end = enc(v, hasExact(v), out, 0);
      if (end === -1) return null;
      if (end >= 0) return Buffer.from(out.subarray(0, end));
      if (end !== -2) throw new Error(`encoder returned ${end}`);
      out = Buffer.alloc(Math.max(out.length * 2, binaryRoomNeeded()));
    }
  });
}

function int4Field(i: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeInt32BE(4, 0);
  b.writeInt32BE(i, 4);
  return b;
}

async function copy(client: pg.ClientBase, sql: string, data: Buffer): Promise<void> {
  await pipeline(Readable.from([data]), client.query(copyFrom(sql)));
}

interface Outcome {
  rows: number;
  normal: number;
  normalDeclined: number;
  declined: number;
  needless: number;
  needlessNormal: unknown[];
  examples: unknown[];
}

describe('binary COPY fields store exactly what CSV fields store', () => {
  let client: pg.Client;
  const outcomes = new Map<string, Outcome>();

  beforeAll(async () => {
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'");
  });
  afterAll(async () => {
    await client?.end();
    const version = (await db.query<{ server_version: string }>('SHOW server_version'))[0]?.server_version;
    const lines = [...outcomes].map(([t, o]) => `${t.padEnd(30)} rows ${o.rows}  binary ${o.rows - o.declined}  declined ${o.declined} (PostgreSQL took ${o.needless})  normal ${o.normal}, declined ${o.normalDeclined}`);
    if (process.env.BINARY_EXAMPLES) for (const [t, o] of outcomes) lines.push(`${t}: ${JSON.stringify(o.examples, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`);
    console.log(`PostgreSQL ${version}\n${lines.join('\n')}`);
  });

  it('every sampled type is supported', () => {
    for (const t of Object.keys(SAMPLES)) expect(binaryTypeSupported(t), t).toBe(true);
  });

  Object.keys(SAMPLES).forEach((pgType, n) => {
    it(pgType, async () => {
      const samples = samplesFor(pgType, COUNT, 1000 + n);
      const values = samples.map((s) => s.value);
      const csvEncode = encoderFor(pgType);
      const csv = values.map((v) => csvEncode(v, hasExact(v)));
      const bin = binaryFields(pgType, values);
      const table = `t${n}`;
      await client.query(`CREATE TABLE ${table}_csv (i int, v ${pgType}); CREATE TABLE ${table}_bin (i int, v ${pgType}); CREATE TABLE ${table}_try (i int, v ${pgType})`);

      const accepted = values.map((_, i) => i).filter((i) => bin[i] !== null);
      await copy(client, `COPY ${table}_csv FROM STDIN (FORMAT csv)`, Buffer.from(accepted.map((i) => `${i},${csv[i]}\n`).join(''), 'utf8'));
      const tuples = accepted.map((i) => Buffer.concat([Buffer.from([0, 2]), int4Field(i), bin[i]!]));
      await copy(client, `COPY ${table}_bin FROM STDIN (FORMAT binary)`, Buffer.concat([COPY_BINARY_HEADER, ...tuples, COPY_BINARY_TRAILER]));

      const read = async (t: string) => (await client.query<{ i: number; v: string | null }>(`SELECT i, v::text AS v FROM ${t} ORDER BY i`)).rows;
      const [viaCsv, viaBinary] = [await read(`${table}_csv`), await read(`${table}_bin`)];
      expect(viaBinary.length).toBe(accepted.length);
      const diffs = viaCsv.filter((r, k) => viaBinary[k]?.i !== r.i || viaBinary[k]?.v !== r.v).slice(0, 5);
      expect(diffs.map((r) => ({ value: values[r.i], csv: r.v, binary: viaBinary.find((b) => b.i === r.i)?.v }))).toEqual([]);

      // declined values: would PostgreSQL have taken them through CSV?
      const outcome: Outcome = { rows: values.length, normal: samples.filter((x) => x.normal).length, normalDeclined: samples.filter((x, i) => x.normal && bin[i] === null).length, declined: values.length - accepted.length, needless: 0, needlessNormal: [], examples: [] };
      await client.query('BEGIN');
      for (let i = 0; i < values.length; i++) {
        if (bin[i] !== null) continue;
        await client.query('SAVEPOINT s');
        try {
          await copy(client, `COPY ${table}_try FROM STDIN (FORMAT csv)`, Buffer.from(`${i},${csv[i]}\n`, 'utf8'));
          outcome.needless++;
          if (outcome.examples.length < 12) outcome.examples.push(values[i]);
          if (samples[i].normal) outcome.needlessNormal.push(values[i]);
        } catch {
          // refused by PostgreSQL too
        }
        await client.query('ROLLBACK TO SAVEPOINT s');
      }
      await client.query('ROLLBACK');
      outcomes.set(pgType, outcome);
      expect(outcome.needlessNormal.slice(0, 5)).toEqual([]);
      expect(accepted.length).toBeGreaterThan(0);
    });
  });
});
