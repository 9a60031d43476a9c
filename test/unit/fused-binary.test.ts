import { describe, expect, it } from 'vitest';
import { transcodeLine } from '../../src/input/fast-record.js';
import type { JsonSchema } from '../../src/protocol/messages.js';
import { buildColumnPlan } from '../../src/schema/columns.js';
import { STAMPED_COLUMNS } from '../../src/stream/record-metadata.js';
import { RecordPipeline } from '../../src/stream/record-pipeline.js';
import { RowOut } from '../../src/stream/row-out.js';
import { prng } from '../helpers/record-generator.js';
import { writeTextArray } from '../../src/stream/transcode/binary-row.js';

/** The bench's wide schema, with the key and a date-time. */
const WIDE: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: ['integer'] },
    name: { type: ['null', 'string'] },
    email: { type: ['null', 'string'] },
    amount: { type: ['null', 'number'] },
    flag: { type: ['null', 'boolean'] },
    created_at: { type: ['null', 'string'], format: 'date-time' },
    address: { type: ['null', 'object'], properties: { street: { type: ['null', 'string'] }, city: { type: ['null', 'string'] }, zip: { type: ['null', 'string'] } } },
    tags: { type: ['null', 'array'], items: { type: ['string'] } },
    count: { type: ['null', 'integer'] },
    note: { type: ['null', 'string'] },
    status: { type: ['null', 'string'] },
    score: { type: ['null', 'number'] },
  },
};

/** Runs `f` with these environment variables set (CI runs the suite once with the transcoder off). */
function withEnv<T>(vars: Record<string, string>, f: () => T): T {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return f();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** A binary pipeline of WIDE with the one-pass writer on or off (the transcoder on, whatever the run's setting). */
function pipeline(fused: 'on' | 'off', keys: string[], bookmark?: string): RecordPipeline {
  return withEnv({ TARGET_POSTGRES_FUSED: fused, TARGET_POSTGRES_TRANSCODER: 'on' }, () => {
    const plan = buildColumnPlan(WIDE, keys, { flatten: true, maxDepth: 1, metadata: true });
    const columns = plan.columns.filter((c) => !(c.metadata && STAMPED_COLUMNS.includes(c.metadata))).map((c) => ({ ...c, actualType: c.pgType }));
    return new RecordPipeline({ stream: 's', version: 3, schema: WIDE, keys, columns, validate: true, sanitizeNul: false, keyIdentity: keys.length > 0, syncStartedAt: '1700000000000', source: 's', format: 'binary', ...(bookmark ? { bookmark } : {}) });
  });
}

const STRINGS = ['Sybil Kowalski', '', 'São Paulo', '北京', 'emoji 😀 👍🏽', 'tab\there, comma, and "quotes"', 'back\\slash', 'a\u0001b', '\u2028', 'x'.repeat(300)];
const NUMBERS = ['0', '-1', '17481.39', '6.178139243274927', '-0.5', '1e5', '1.50', '-0', '123456789012345', '1234567890123456', '12345678901234567890', '0.0000001', '00', '5.', '1E+2'];
const INTS = ['0', '1', '-7', '85871', '999999999999999', '1000000000000000', '-9007199254740993', '9223372036854775807', '9223372036854775808', '1.0', '2.5', '-0', '01', '1e3'];
const STAMPS = [
  '2024-01-01T00:00:01.624Z',
  '2024-02-29T23:59:60+05:30',
  '2023-02-29T00:00:00Z',
  '2024-01-01 00:00:00',
  '2024-13-01T00:00:00Z',
  'not a date',
  '2024-01-01T00:00:00.123456789-01:00',
  // the form taps write (read in one pass) and its edges
  '2024-02-29T23:59:59.999999+15:00',
  '1999-12-31T23:59:59-15:59',
  '2024-06-30T12:00:00.5-03:30',
  '2024-06-30T12:00:00.1234567Z',
  '2024-06-30T12:00:00.Z',
  '0000-01-01T00:00:00Z',
  '2100-02-29T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '2024-01-01T00:60:00Z',
  '2024-01-01T00:00:00+16:00',
  '2024-01-01T00:00:00+05',
  '2024-01-01T00:00:00+0530',
  '2024-01-01t00:00:00Z',
  '2024-01-01T00:00:00z',
  '2024-01-01T00:00:00Zx',
  '2024-1-01T00:00:00Z',
];

/** A record line of the wide schema: mostly as taps write them, with the odd perturbation the one-pass writer must leave to the scan. */
function line(r: () => number, id: number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  // mostly what taps send (the first of each list), now and then anything else
  const usual = <T>(list: readonly T[]): T => (r() < 0.93 ? list[Math.floor(r() * Math.min(3, list.length))] : pick(list));
  const str = () => (r() < 0.1 ? 'null' : JSON.stringify(usual(STRINGS)));
  const props: Array<[string, string]> = [
    ['id', r() < 0.95 ? String(id) : pick(INTS)],
    ['name', str()],
    ['email', r() < 0.03 ? '7' : str()],
    ['amount', r() < 0.1 ? 'null' : usual(NUMBERS)],
    ['flag', usual(['true', 'false', 'null', '1'])],
    ['created_at', r() < 0.1 ? 'null' : JSON.stringify(usual(STAMPS))],
    ['address', r() < 0.1 ? 'null' : `{"street":${str()},"city":${str()},"zip":${str()}}`],
    ['tags', usual(['[]', '["b2b","trial"]', '["x"]', 'null', '"solo"', '["a", "b"]', '[1]', '["é","\\n"]'])],
    ['count', r() < 0.2 ? 'null' : usual(INTS)],
    ['note', str()],
    ['status', str()],
    ['score', r() < 0.1 ? 'null' : usual(NUMBERS)],
  ];
  if (r() < 0.05) props.reverse();
  if (r() < 0.05) props.splice(Math.floor(r() * props.length), 1);
  if (r() < 0.03) props.push(['unknown', '1']);
  const [colon, comma] = r() < 0.3 ? [': ', ', '] : [':', ','];
  const record = `{${props.map(([k, v]) => `"${k}"${colon}${v}`).join(comma)}}`;
  const extracted = r() < 0.3 ? `${comma}"time_extracted"${colon}"2024-05-06T07:08:09Z"` : '';
  return `{"type"${colon}"RECORD"${comma}"stream"${colon}"s"${comma}"record"${colon}${record}${extracted}}`;
}

describe('the one-pass binary writer against the two-pass transcoder', () => {
  it.each([
    [[] as string[], undefined],
    [['id'], undefined],
    [['name'], undefined],
    [['id', 'name'], undefined],
    [['id'], 'count'],
    [['id'], 'created_at'],
  ])('writes the same bytes, key, order and kind for 30,000 generated wide records (keys %j, bookmark %s)', (keys, bookmark) => {
    const fused = pipeline('on', keys, bookmark);
    const twoPass = pipeline('off', keys, bookmark);
    expect(fused.transcoder?.fused, fused.transcoderOff).toBeDefined();
    expect(twoPass.transcoder?.fused).toBeUndefined();
    const r = prng(11);
    const outA = new RowOut(1 << 16);
    const outB = new RowOut(1 << 16);
    let taken = 0;
    let rows = 0;
    for (let n = 0; n < 30_000; n++) {
      const bytes = Buffer.from(line(r, n + 1) + '\n');
      // now and then a byte that breaks the line: not UTF-8, a quote or brace, a cut
      if (r() < 0.02) bytes[Math.floor(r() * (bytes.length - 1))] = [0xff, 0xc3, 0x80, 0x22, 0x7d, 0x0a, 0x5c][Math.floor(r() * 7)];
      const recordAt = bytes.indexOf('"record"') + 9 + (bytes[bytes.indexOf('"record"') + 9] === 0x20 ? 1 : 0);
      if (fused.transcoder!.fusedRecord(bytes, recordAt, bytes.length - 1, new Uint8Array(8 * bytes.length + 4096), 0) >= 0) taken++;
      outA.pos = outB.pos = 0;
      const a = transcodeLine(bytes, 0, bytes.length, new Map([['s', [fused]]]), '2024-05-06T07:08:09.123Z', outA);
      const aRow = a && { csv: a.csv, key: a.key, order: a.order, bytes: outA.buf.toString('hex', a.rowStart, outA.pos) };
      const b = transcodeLine(bytes, 0, bytes.length, new Map([['s', [twoPass]]]), '2024-05-06T07:08:09.123Z', outB);
      const bRow = b && { csv: b.csv, key: b.key, order: b.order, bytes: outB.buf.toString('hex', b.rowStart, outB.pos) };
      if (JSON.stringify(aRow) !== JSON.stringify(bRow)) expect({ line: bytes.toString(), row: aRow }).toEqual({ line: bytes.toString(), row: bRow });
      if (aRow) rows++;
    }
    // both writers are exercised: the usual records in one pass (7,745 here), the perturbed ones left to the scan
    expect(taken).toBeGreaterThan(3_000);
    expect(taken).toBeLessThan(rows);
    expect(rows).toBeGreaterThan(10_000);
  });

  it('is not made for flattened objects nested deeper than 16 (the scan declines values 64 deep)', () => {
    const nested = (depth: number): JsonSchema => (depth === 0 ? { type: ['null', 'string'] } : { type: ['null', 'object'], properties: { n: nested(depth - 1) } });
    const make = (depth: number) => {
      const schema: JsonSchema = { type: 'object', properties: { id: { type: 'integer' }, deep: nested(depth) } };
      const plan = buildColumnPlan(schema, ['id'], { flatten: true, maxDepth: 100, metadata: true });
      const columns = plan.columns.filter((c) => !(c.metadata && STAMPED_COLUMNS.includes(c.metadata))).map((c) => ({ ...c, actualType: c.pgType }));
      return withEnv({ TARGET_POSTGRES_TRANSCODER: 'on', TARGET_POSTGRES_FUSED: 'on' }, () => new RecordPipeline({ stream: 's', version: 1, schema, keys: ['id'], columns, validate: true, sanitizeNul: false, keyIdentity: true, syncStartedAt: '1', source: 's', format: 'binary' }).transcoder);
    };
    expect(make(16)?.fused).toBeDefined();
    expect(make(17)?.fused).toBeUndefined();
    expect(make(17)).toBeDefined();
  });

  it('takes the bench workload’s lines as they are (compact and with spaces after : and ,)', () => {
    const fused = pipeline('on', ['id']);
    const record = '{"id":1,"name":"Zoë","email":null,"amount":17481.39,"flag":true,"created_at":"2024-01-01T00:00:01.624Z","address":{"street":"472 Baker Street","city":"北京","zip":"37629"},"tags":["b2b","trial"],"count":null,"note":"ok","status":"active","score":6.178139243274927}';
    for (const text of [record, record.replace(/":/g, '": ').replace(/,"/g, ', "')]) {
      const bytes = Buffer.from(text);
      expect(fused.transcoder!.fusedRecord(bytes, 0, bytes.length, new Uint8Array(4096), 0)).toBe(bytes.length);
    }
  });
});

describe('text[] arrays of escaped strings', () => {
  /** The elements of the text[] field at out[0, end), as strings. */
  const elements = (out: Uint8Array, end: number): string[] => {
    const b = Buffer.from(out.buffer, out.byteOffset, end);
    expect(b.readInt32BE(0)).toBe(end - 4);
    expect(b.readInt32BE(12)).toBe(25);
    const list: string[] = [];
    let at = 24;
    for (let n = b.readInt32BE(16); n > 0; n--) {
      const len = b.readInt32BE(at);
      list.push(b.toString('utf8', at + 4, at + 4 + len));
      at += 4 + len;
    }
    expect(at).toBe(end);
    return list;
  };

  it('are written directly, each element its decoded characters', () => {
    const json = Buffer.from(String.raw`["with \"quote\"","back\\slash \\N","tab\tnew\nline","\u00e9\ud83d\ude00 \/", "plain"]`);
    const out = new Uint8Array(1024);
    const after = { i: -1 };
    const end = writeTextArray(json, 0, json.length, out, 0, after);
    expect(after.i).toBe(json.length);
    expect(elements(out, end)).toEqual(['with "quote"', 'back\\slash \\N', 'tab\tnew\nline', 'é😀 /', 'plain']);
  });

  it('decline a string scanString declines (NUL, an unpaired surrogate, a raw control character)', () => {
    for (const bad of [String.raw`["a\u0000b"]`, String.raw`["\ud83d"]`, '["a\u0001b"]']) {
      const json = Buffer.from(bad);
      expect(writeTextArray(json, 0, json.length, new Uint8Array(256), 0)).toBe(-1);
    }
  });

  it('keep a record on the one pass, with the same bytes as the two-pass writer', () => {
    const text = `{"type":"RECORD","stream":"s","record":{"id":7,"name":"n","email":null,"amount":1.5,"flag":true,"created_at":"2024-01-01T00:00:01.624Z","address":null,"tags":["with \\"quote\\"","b2b"],"count":3,"note":"ok","status":"active","score":2.25}}`;
    const src = Buffer.from(text + '\n');
    const rows = (fused: 'on' | 'off') => {
      const p = pipeline(fused, ['id']);
      const out = new RowOut(1 << 16);
      const row = transcodeLine(src, 0, src.length, { get: () => [p] }, '2024-05-06T07:08:09.123Z', out, undefined);
      expect(row?.csv).toBe(false);
      // whether the one-pass writer takes the record object itself
      const record = text.indexOf('{"id"');
      const oneWriter = p.transcoder!.fused !== undefined && p.transcoder!.fusedRecord(src, record, src.length, new Uint8Array(1 << 16), 0) > record;
      return { bytes: Buffer.from(out.buf.subarray(0, out.pos)), oneWriter };
    };
    const on = rows('on');
    expect(on.oneWriter).toBe(true);
    expect(on.bytes.includes(Buffer.from('with "quote"'))).toBe(true);
    expect(on.bytes.equals(rows('off').bytes)).toBe(true);
  });
});

describe('metadata fields after the one pass', () => {
  it('are the same bytes as the two-pass writer writes, for each receive time, with and without time_extracted and version', () => {
    const record = `"record":{"id":7,"name":"n","email":null,"amount":1.5,"flag":true,"created_at":"2024-01-01T00:00:01.624Z","address":null,"tags":[],"count":3,"note":"ok","status":"active","score":2.25}`;
    const lines = [
      `{"type":"RECORD","stream":"s",${record}}`,
      `{"type":"RECORD","stream":"s",${record},"time_extracted":"2024-03-04T05:06:07.891Z"}`,
      `{"type":"RECORD","stream":"s",${record},"version":1700000000123}`,
      `{"type":"RECORD","stream":"s",${record}}`,
    ];
    const times = ['2024-05-06T07:08:09.123Z', '2024-05-06T07:08:10.000Z'];
    const rows = (fused: 'on' | 'off') => {
      const p = pipeline(fused, ['id']);
      const written: string[] = [];
      for (const at of times)
        for (const text of lines) {
          const src = Buffer.from(text);
          const out = new RowOut(1 << 16);
          expect(transcodeLine(src, 0, src.length, { get: () => [p] }, at, out, undefined)?.csv).toBe(false);
          written.push(Buffer.from(out.buf.subarray(0, out.pos)).toString('hex'));
        }
      return written;
    };
    const on = rows('on');
    expect(on).toEqual(rows('off'));
    // the receive time is in the row: the same record read at another time is another row
    expect(on[0]).not.toBe(on[4]);
    expect(on[0]).toBe(on[3]);
    expect(new Set(on.slice(0, 3)).size).toBe(3);
  });
});
