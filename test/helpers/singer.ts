/**
 * Singer messages for tests: one builder per message type, and `singer()` to turn them into the
 * lines a tap would write.
 */

export type Properties = Record<string, unknown>;

export interface SchemaMessage {
  type: 'SCHEMA';
  stream: string;
  schema: { type: 'object'; properties: Properties; required?: string[] };
  key_properties: string[];
  [extra: string]: unknown;
}

/** A SCHEMA message for an object with these properties; `extra` adds top-level keys (bookmark_properties, …). */
export function schemaMsg(stream: string, properties: Properties, keyProperties: string[] = ['id'], extra: Record<string, unknown> = {}): SchemaMessage {
  return { type: 'SCHEMA', stream, schema: { type: 'object', properties }, key_properties: keyProperties, ...extra };
}

/** A RECORD message; `extra` adds top-level keys (version, time_extracted, …). */
export function rec(stream: string, record: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { type: 'RECORD', stream, record, ...extra };
}

/** A STATE message. */
export function state(value: unknown) {
  return { type: 'STATE', value };
}

/** An ACTIVATE_VERSION message. */
export function activateVersion(stream: string, version: number) {
  return { type: 'ACTIVATE_VERSION', stream, version };
}

/** Singer lines from message objects. */
export function singer(...messages: unknown[]): string {
  return messages.map((m) => JSON.stringify(m)).join('\n') + '\n';
}
