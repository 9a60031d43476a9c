import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { ExactNumber } from '../../src/protocol/exact-json.js';
import { toMessage, type RecordMessage, type SchemaMessage } from '../../src/protocol/messages.js';

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

const schema = { type: 'object', properties: { id: { type: 'integer' } } };

describe('toMessage: type', () => {
  // The router dispatches on message.type === 'RECORD', so the type must come back upper-cased.
  it.each(['RECORD', 'record', 'Record', 'rEcOrD'])('normalizes RECORD spelled %s', (type) => {
    const m = toMessage({ type, stream: 's', record: { id: 1 } }, 1);
    expect(m?.type).toBe('RECORD');
    expect((m as RecordMessage).record).toEqual({ id: 1 });
  });

  it.each(['schema', 'Schema', 'SCHEMA'])('normalizes SCHEMA spelled %s', (type) => {
    expect(toMessage({ type, stream: 's', schema }, 1)?.type).toBe('SCHEMA');
  });

  it.each(['state', 'State'])('normalizes STATE spelled %s', (type) => {
    expect(toMessage({ type, value: { bookmarks: {} } }, 1)).toEqual({ type: 'STATE', value: { bookmarks: {} } });
  });

  it('normalizes ACTIVATE_VERSION and BATCH', () => {
    expect(toMessage({ type: 'activate_version', stream: 's', version: 3 }, 1)).toEqual({ type: 'ACTIVATE_VERSION', stream: 's', version: 3 });
    expect(toMessage({ type: 'batch', stream: 's', encoding: { format: 'jsonl', compression: 'gzip' }, manifest: ['file:///a'], version: 2 }, 1)).toEqual({
      type: 'BATCH',
      stream: 's',
      encoding: { format: 'jsonl', compression: 'gzip' },
      manifest: ['file:///a'],
      version: 2,
    });
    expect(() => toMessage({ type: 'BATCH', stream: 's', manifest: [] }, 4)).toThrow('line 4, stream "s": BATCH message has no "encoding" with a "format"');
    expect(() => toMessage({ type: 'BATCH', stream: 's', encoding: { format: 'jsonl' }, manifest: [1] }, 4)).toThrow('BATCH message has no "manifest" list of file URLs');
  });

  it.each(['FOO', 'recordx', '', 'METRIC'])('returns null for unknown type %j', (type) => {
    expect(toMessage({ type, stream: 's' }, 1)).toBeNull();
  });

  it('rejects a line that is not an object', () => {
    for (const v of [null, 1, 'RECORD', [{ type: 'RECORD' }]]) {
      expect(errorOf(() => toMessage(v, 7)).message).toMatch(/line 7.*not a JSON object/);
    }
  });

  it('rejects a message without a string type', () => {
    expect(errorOf(() => toMessage({ stream: 's' }, 3)).message).toMatch(/line 3.*no "type"/);
    expect(() => toMessage({ type: 5 }, 3)).toThrow(InputError);
  });

  it('errors carry the line and the data-error exit code', () => {
    const e = errorOf(() => toMessage({ type: 'RECORD', stream: 'users' }, 12));
    expect(e.line).toBe(12);
    expect(e.stream).toBe('users');
    expect(e.exitCode).toBe(65);
  });
});

describe('toMessage: RECORD', () => {
  it('returns the record with its fields', () => {
    const m = toMessage({ type: 'RECORD', stream: 's', record: { a: 1 }, time_extracted: '2024-01-01T00:00:00Z', version: 2 }, 1) as RecordMessage;
    expect(m.stream).toBe('s');
    expect(m.record).toEqual({ a: 1 });
    expect(m.time_extracted).toBe('2024-01-01T00:00:00Z');
    expect(m.version).toBe(2);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['an array', [1]],
    ['a string', 'x'],
  ])('rejects a record that is %s', (_name, record) => {
    const e = errorOf(() => toMessage({ type: 'RECORD', stream: 's', record }, 4));
    expect(e.message).toContain('RECORD message has no "record" object');
    expect(e.message).toContain('line 4');
  });

  it.each([undefined, '', 5])('rejects stream %j', (stream) => {
    expect(errorOf(() => toMessage({ type: 'RECORD', stream, record: {} }, 1)).message).toContain('no "stream" name');
  });

  it('accepts a big-integer version kept as ExactNumber, rejects a string version', () => {
    expect(() => toMessage({ type: 'RECORD', stream: 's', record: {}, version: new ExactNumber('99999999999999999') }, 1)).not.toThrow();
    expect(() => toMessage({ type: 'RECORD', stream: 's', record: {}, version: null }, 1)).not.toThrow();
    expect(errorOf(() => toMessage({ type: 'RECORD', stream: 's', record: {}, version: '1' }, 1)).message).toContain('"version" must be a number');
  });
});

describe('toMessage: SCHEMA', () => {
  it('returns stream, schema and key properties', () => {
    const m = toMessage({ type: 'SCHEMA', stream: 's', schema, key_properties: ['id'], bookmark_properties: ['updated', 5] }, 1) as SchemaMessage;
    expect(m).toEqual({ type: 'SCHEMA', stream: 's', schema, key_properties: ['id'], bookmark_properties: ['updated'] });
  });

  it('defaults missing or null key_properties to []', () => {
    expect((toMessage({ type: 'SCHEMA', stream: 's', schema }, 1) as SchemaMessage).key_properties).toEqual([]);
    expect((toMessage({ type: 'SCHEMA', stream: 's', schema, key_properties: null }, 1) as SchemaMessage).key_properties).toEqual([]);
  });

  it('reports a schema without properties like the Singer SDK', () => {
    const e = errorOf(() => toMessage({ type: 'SCHEMA', stream: 's', schema: { type: 'object' } }, 2));
    expect(e.message).toContain("Line is missing required properties key(s): {'type': 'object'}");
    expect(e.stream).toBe('s');
    expect(e.line).toBe(2);
  });

  it('renders the schema in Python repr', () => {
    const e = errorOf(() =>
      toMessage({ type: 'SCHEMA', stream: 's', schema: { type: ['object', 'null'], additionalProperties: true, x: null, q: "it's", n: 1 } }, 2),
    );
    expect(e.message).toContain("{'type': ['object', 'null'], 'additionalProperties': True, 'x': None, 'q': 'it\\'s', 'n': 1}");
  });

  it('rejects properties that are not an object', () => {
    expect(() => toMessage({ type: 'SCHEMA', stream: 's', schema: { type: 'object', properties: [] } }, 1)).toThrow(/missing required properties/);
  });

  it('rejects a missing schema', () => {
    expect(errorOf(() => toMessage({ type: 'SCHEMA', stream: 's' }, 1)).message).toContain('no "schema" object');
  });

  it.each([['id'], [[1]], [['id', null]], [{ id: true }]])('rejects key_properties %j', (keys) => {
    const e = errorOf(() => toMessage({ type: 'SCHEMA', stream: 's', schema, key_properties: keys }, 1));
    expect(e.message).toContain('"key_properties" must be an array of property names');
  });

  it('accepts an empty properties object', () => {
    expect(toMessage({ type: 'SCHEMA', stream: 's', schema: { type: 'object', properties: {} } }, 1)?.type).toBe('SCHEMA');
  });
});

describe('toMessage: STATE, ACTIVATE_VERSION, BATCH', () => {
  it('passes a STATE value through, even when absent', () => {
    expect(toMessage({ type: 'STATE', value: [1, 2] }, 1)).toEqual({ type: 'STATE', value: [1, 2] });
    expect(toMessage({ type: 'STATE' }, 1)).toEqual({ type: 'STATE', value: undefined });
  });

  it('requires a version for ACTIVATE_VERSION and converts it to a number', () => {
    expect(toMessage({ type: 'ACTIVATE_VERSION', stream: 's', version: new ExactNumber('1700000000000') }, 1)).toEqual({
      type: 'ACTIVATE_VERSION',
      stream: 's',
      version: 1700000000000,
    });
    expect(errorOf(() => toMessage({ type: 'ACTIVATE_VERSION', stream: 's' }, 1)).message).toContain('no "version"');
    expect(() => toMessage({ type: 'ACTIVATE_VERSION', version: 1 }, 1)).toThrow(/no "stream" name/);
  });

  it('requires a stream for BATCH', () => {
    expect(() => toMessage({ type: 'BATCH' }, 1)).toThrow(/no "stream" name/);
  });
});
