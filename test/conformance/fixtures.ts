/**
 * The peer conformance fixtures in ../shared/conformance (read in place, never copied), and
 * expectations derived from their contents.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';

export type Peer = 'sdk' | 'meltanolabs' | 'pipelinewise';
export type Row = Record<string, unknown>;
export type Message = Record<string, unknown> & { type: string };

/** /work/shared/conformance, resolved from this file (test/conformance/ in the repo). */
export const CONFORMANCE_DIR = fileURLToPath(new URL('../../../shared/conformance/', import.meta.url));

/** Absolute path of a fixture file; throws when it is missing so a typo never passes silently. */
export function fixturePath(peer: Peer, file: string): string {
  const path = join(CONFORMANCE_DIR, peer, file);
  if (!existsSync(path)) throw new Error(`conformance fixture not found: ${path}`);
  return path;
}

/** The fixture's messages, one per non-blank line (JSON.parse: fine for computing expectations). */
export function fixtureMessages(peer: Peer, file: string): Message[] {
  return readFileSync(fixturePath(peer, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Message);
}

/** The property names of a SCHEMA message, in schema order. */
export function propertyNames(schemaMessage: Message): string[] {
  return Object.keys((schemaMessage.schema as { properties: object }).properties);
}

export function recordsOf(messages: Message[], stream: string): Row[] {
  return messages.filter((m) => m.type === 'RECORD' && m.stream === stream).map((m) => m.record as Row);
}

export function stateValuesOf(messages: Message[]): unknown[] {
  return messages.filter((m) => m.type === 'STATE').map((m) => m.value);
}

const isEmptyState = (v: unknown) =>
  v === null || v === undefined || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

/**
 * Our state rule (DESIGN.md, "State"): every stdout line is an input STATE value, in input
 * order (an ordered subset, compared as parsed JSON), never empty, never the same twice in a
 * row; after a successful run the last line is the last non-empty STATE received.
 */
export function expectWatermarkStates(stdout: string[], inputStates: unknown[], opts: { complete?: boolean } = {}): void {
  const complete = opts.complete ?? true;
  const out = stdout.map((l) => JSON.parse(l) as unknown);
  const candidates = inputStates.filter((s) => !isEmptyState(s));
  let j = 0;
  for (const s of out) {
    while (j < candidates.length && !isDeepStrictEqual(candidates[j], s)) j++;
    expect(j, `emitted state ${JSON.stringify(s)} is not one of the input states, in order`).toBeLessThan(candidates.length);
    j++;
  }
  for (let i = 1; i < out.length; i++) {
    expect(isDeepStrictEqual(out[i - 1], out[i]), `state ${JSON.stringify(out[i])} emitted twice in a row`).toBe(false);
  }
  if (!complete) return;
  if (candidates.length === 0) expect(out).toEqual([]);
  else expect(out.at(-1)).toEqual(candidates.at(-1));
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Rows sorted by the given columns (numbers numerically, strings by code unit), then by content. */
export function sortRows<T extends Row>(rows: T[], by: string[]): T[] {
  return [...rows].sort((x, y) => {
    for (const k of by) {
      const c = compareValues(x[k], y[k]);
      if (c !== 0) return c;
    }
    return compareValues(JSON.stringify(x), JSON.stringify(y));
  });
}

/** Keeps only the given columns of each row. */
export function pick(rows: Row[], columns: string[]): Row[] {
  return rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null])));
}

export interface ExpectedRowsOptions {
  /** Keyed records with a non-null `_sdc_deleted_at` remove their row (hard_delete). */
  hardDelete?: boolean;
  /** Ignore key_properties (append-only). */
  append?: boolean;
}

/**
 * The rows a stream should leave, computed from the fixture alone: columns are the union of
 * every SCHEMA's properties (minus `_sdc*`), a missing value is null; with key_properties the
 * last record for a key wins (a record replaces the whole row), otherwise every record is a row.
 */
export function expectedRows(messages: Message[], stream: string, opts: ExpectedRowsOptions = {}): Row[] {
  const schemas = messages.filter((m) => m.type === 'SCHEMA' && m.stream === stream);
  if (schemas.length === 0) throw new Error(`no SCHEMA for stream ${stream}`);
  const columns: string[] = [];
  for (const s of schemas) {
    for (const p of propertyNames(s)) {
      if (!p.startsWith('_sdc') && !columns.includes(p)) columns.push(p);
    }
  }
  const keys = opts.append ? [] : ((schemas.at(-1)!.key_properties as string[] | undefined) ?? []);
  const toRow = (r: Row): Row => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]));
  const records = recordsOf(messages, stream);
  if (keys.length === 0) return sortRows(records.map(toRow), columns);
  const byKey = new Map<string, Row>();
  for (const r of records) {
    const k = JSON.stringify(keys.map((key) => r[key]));
    byKey.delete(k);
    if (opts.hardDelete && r._sdc_deleted_at != null) continue;
    byKey.set(k, toRow(r));
  }
  return sortRows([...byKey.values()], keys);
}

/** Removes NUL characters from every string at any depth (a copy). */
export function stripNulDeep<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\u0000/g, '') as T;
  if (Array.isArray(value)) return value.map(stripNulDeep) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripNulDeep(v)])) as T;
  }
  return value;
}

/**
 * base16 text as PostgreSQL prints the bytea (`\x...`), by the MeltanoLabs rules in the
 * conformance README: an optional 0x prefix is dropped, case is ignored, an odd number of hex
 * digits gets a leading 0.
 */
export function base16AsBytea(text: string | null): string | null {
  if (text === null) return null;
  let hex = /^0x/i.test(text) ? text.slice(2) : text;
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return `\\x${hex.toLowerCase()}`;
}

/** MeltanoLabs test_relational_data, after the data file then the upsert file. */
export const RELATIONAL_AFTER_UPSERT: Record<string, Row[]> = {
  test_users: [
    { id: 1, name: 'Johny' },
    { id: 2, name: 'George' },
    { id: 3, name: 'Jacob' },
    { id: 4, name: 'Josh' },
    { id: 5, name: 'Jim' },
    { id: 8, name: 'Thomas' },
    { id: 12, name: 'Paul' },
    { id: 13, name: 'Mary' },
  ],
  test_locations: [
    { id: 1, name: 'Philly' },
    { id: 2, name: 'NY' },
    { id: 3, name: 'San Francisco' },
    { id: 6, name: 'Colorado' },
    { id: 8, name: 'Boston' },
  ],
  test_user_in_location: [
    { id: 1, user_id: 1, location_id: 4, info: { weather: 'rainy', mood: 'sad' } },
    { id: 2, user_id: 2, location_id: 3, info: { weather: 'sunny', mood: 'satisfied' } },
    { id: 3, user_id: 1, location_id: 3, info: { weather: 'sunny', mood: 'happy' } },
    { id: 6, user_id: 3, location_id: 2, info: { weather: 'sunny', mood: 'happy' } },
    { id: 14, user_id: 4, location_id: 1, info: { weather: 'cloudy', mood: 'ok' } },
  ],
};
