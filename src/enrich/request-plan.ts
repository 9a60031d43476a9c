/**
 * How chunks become embedding requests: pure decisions, unit-tested without a server.
 */

/**
 * An upper bound of the tokens a text costs: every BPE token of OpenAI's tokenizers (and of
 * the byte-level tokenizers local models use) covers at least one UTF-8 byte, so a text never
 * costs more tokens than it has bytes. Counting bytes keeps every request under the cap
 * without shipping a tokenizer; ordinary prose costs about a quarter of this.
 */
export function tokenBound(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export interface RequestLimits {
  maxInputs: number;
  maxTokens: number;
}

/**
 * Groups inputs, in order, into requests of at most `maxInputs` inputs and `maxTokens`
 * estimated tokens; an input alone over the token cap still gets its own request (the API
 * then says what is wrong with it). Returns the inputs' indexes per request.
 */
export function planRequests(inputs: readonly string[], limits: RequestLimits): number[][] {
  const requests: number[][] = [];
  let current: number[] = [];
  let tokens = 0;
  for (let i = 0; i < inputs.length; i++) {
    const t = tokenBound(inputs[i]);
    if (current.length && (current.length >= limits.maxInputs || tokens + t > limits.maxTokens)) {
      requests.push(current);
      current = [];
      tokens = 0;
    }
    current.push(i);
    tokens += t;
  }
  if (current.length) requests.push(current);
  return requests;
}

/**
 * Milliseconds a Retry-After (or retry-after-ms) header asks to wait: delta seconds or an
 * HTTP date; undefined when absent or unreadable.
 */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Longest wait honoured from Retry-After; a server asking for more is waited on this long per try. */
export const MAX_RETRY_AFTER_MS = 120_000;

/** The wait before retry `attempt` (0-based): the server's Retry-After when it gave one, else exponential backoff with jitter. */
export function retryDelayMs(attempt: number, retryAfter: number | undefined, baseMs = 500, random: () => number = Math.random): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, MAX_RETRY_AFTER_MS);
  return Math.min(baseMs * 2 ** attempt, 30_000) * (0.5 + random());
}

/** What a failed request means, from its HTTP status (undefined: no response: timeout or lost connection). */
export type Failure = 'retry' | 'auth' | 'not-found' | 'bad-input';

export function classifyFailure(status: number | undefined): Failure {
  if (status === undefined || status === 408 || status === 409 || status === 429 || status >= 500) return 'retry';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  return 'bad-input';
}
