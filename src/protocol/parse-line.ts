import { InputError } from '../errors.js';
import { parseJsonLine } from './exact-json.js';
import { streamNamedInText, toMessage, type Message } from './messages.js';

/** One input line as a message, with what the record path needs to know about its text. */
export interface LineMessage {
  /** null for a message of a type the target does not know (it is ignored). */
  message: Message | null;
  /** The type an ignored message named. */
  ignoredType?: unknown;
  /** Some number in the line would change as a double (exact-number objects inside). */
  exact: boolean;
  /** The text has an escaped NUL character (\u0000) somewhere. */
  mayHaveNul: boolean;
  /** The text has an escaped UTF-16 surrogate (\ud800–\udfff) somewhere, maybe unpaired. */
  mayHaveSurrogate: boolean;
}

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * Parses one line (without its newline) into a typed message; undefined for a blank line.
 * A trailing CR is dropped; bad JSON or a malformed message is an InputError naming the line.
 */
export function parseLine(text: string, line: number): LineMessage | undefined {
  const parsed = parseText(text, line);
  if (!parsed) return undefined;
  // the one object of the line, completed (no copy per line)
  const message = toMessage(parsed.value, line);
  parsed.message = message;
  parsed.ignoredType = message === null ? (parsed.value as { type?: unknown }).type : undefined;
  return parsed as LineMessage;
}

/** A line of a BATCH file: one record (a JSON object), not a Singer message; undefined for a blank line. */
export function parseRecordLine(text: string, line: number, stream: string): (ParsedText & { record: Record<string, unknown> }) | undefined {
  const parsed = parseText(text, line, stream);
  if (!parsed) return undefined;
  const v = parsed.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InputError('a line of a BATCH file must be one record, a JSON object', { line, stream });
  // the line's one object, completed (no copy per line)
  const out = parsed as ParsedText & { record: Record<string, unknown> };
  out.record = v as Record<string, unknown>;
  return out;
}

interface ParsedText {
  value: unknown;
  message: Message | null;
  ignoredType: unknown;
  exact: boolean;
  mayHaveNul: boolean;
  mayHaveSurrogate: boolean;
}

/** `stream` names the stream in a JSON error when the line itself does not (a BATCH file's line). */
function parseText(text: string, line: number, stream?: string): ParsedText | undefined {
  if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
  if (text.length === 0) return undefined;
  let parsed;
  try {
    parsed = parseJsonLine(text);
  } catch (e) {
    if (text.trim() === '') return undefined;
    throw new InputError(`not valid JSON (${(e as Error).message})`, { line, stream: stream ?? streamNamedInText(text) });
  }
  // one scan for the common line without \u escapes
  const escapes = text.includes('\\u');
  return {
    value: parsed.value,
    exact: parsed.exact,
    mayHaveNul: escapes && text.includes('\\u0000'),
    mayHaveSurrogate: escapes && SURROGATE_ESCAPE.test(text),
    message: null,
    ignoredType: undefined,
  };
}
