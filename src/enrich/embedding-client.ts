import type OpenAI from 'openai';
import { openAI } from '../lazy-modules.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExitCode, TargetError } from '../errors.js';
import type { Logger } from '../log.js';
import type { EmbeddingsSettings } from './embeddings-config.js';
import { classifyFailure, retryAfterMs, retryDelayMs } from './request-plan.js';

/** Counts for the run summary. */
export interface ApiCounts {
  apiCalls: number;
  retries: number;
  tokens: number;
}

/** A request the API refused for its input: the caller narrows it down to the chunk at fault. */
export class RejectedInputError extends Error {
  constructor(
    readonly status: number,
    readonly apiMessage: string,
  ) {
    super(`HTTP ${status}: ${apiMessage}`);
  }
}

/** Bounds how many requests run at once (across every stream). */
class Slots {
  private free: number;
  private waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }
  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * The embeddings API through the real openai client: at most max_concurrent_requests at once,
 * 429/5xx/timeouts retried with backoff that honours Retry-After, every vector checked against
 * `dimensions`. Errors name the base URL, never the key.
 */
export class EmbeddingClient {
  readonly counts: ApiCounts = { apiCalls: 0, retries: 0, tokens: 0 };
  private readonly client: OpenAI;
  private readonly slots: Slots;

  constructor(
    private readonly s: EmbeddingsSettings,
    private readonly log: Logger,
  ) {
    // retries are ours (logged, counted, Retry-After honoured past the client's own 60 s cap)
    this.client = new (openAI())({ apiKey: s.apiKey, baseURL: s.baseUrl, timeout: s.timeoutMs, maxRetries: 0 });
    this.slots = new Slots(s.maxConcurrent);
  }

  /** One request: the vectors of `inputs`, in order. */
  async embed(inputs: string[], stream: string): Promise<Float32Array[] | number[][]> {
    for (let attempt = 0; ; attempt++) {
      await this.slots.take();
      let response: OpenAI.CreateEmbeddingResponse;
      try {
        this.counts.apiCalls++;
        response = await this.client.embeddings.create({
          model: this.s.model,
          input: inputs,
          ...(this.s.sendDimensions ? { dimensions: this.s.dimensions } : {}),
          ...(this.s.encodingFormat === 'float' ? { encoding_format: 'float' as const } : {}),
        });
      } catch (e) {
        const status = e instanceof openAI().APIError ? (e.status as number | undefined) : undefined;
        if (!(e instanceof openAI().APIError)) throw e;
        const failure = classifyFailure(status);
        if (failure === 'retry' && attempt < this.s.maxRetries) {
          const delay = retryDelayMs(attempt, retryAfterMs(headersOf(e)));
          this.counts.retries++;
          this.log.warn({ stream, status: status ?? 'no response', retry: attempt + 1, delayMs: Math.round(delay), inputs: inputs.length }, `embeddings API at ${this.s.baseUrl}: ${this.redact(reason(e))}, retrying`);
          await sleep(delay);
          continue;
        }
        throw this.failure(failure, status, e, attempt);
      } finally {
        this.slots.give();
      }
      return this.vectors(response, inputs.length);
    }
  }

  private vectors(response: OpenAI.CreateEmbeddingResponse, count: number): Float32Array[] | number[][] {
    this.counts.tokens += response.usage?.total_tokens ?? response.usage?.prompt_tokens ?? 0;
    const data = response.data ?? [];
    if (data.length !== count) throw new TargetError(`the embeddings API at ${this.s.baseUrl} returned ${data.length} vectors for ${count} inputs`, ExitCode.unavailable);
    const out = new Array<Float32Array | number[]>(count);
    data.forEach((d, i) => {
      const at = typeof d.index === 'number' ? d.index : i;
      const v = d.embedding as unknown as Float32Array | number[];
      if (v.length !== this.s.dimensions) {
        throw new TargetError(
          `the embeddings API at ${this.s.baseUrl} returned vectors of ${v.length} dimensions for model "${this.s.model}", but embeddings.openai.dimensions is ${this.s.dimensions}; set dimensions to what the model gives`,
          ExitCode.usage,
        );
      }
      for (let i = 0; i < v.length; i++) {
        if (!Number.isFinite(v[i])) throw new TargetError(`the embeddings API at ${this.s.baseUrl} returned a vector holding ${v[i]} for model "${this.s.model}"; check the model`, ExitCode.unavailable);
      }
      out[at] = v;
    });
    return out as Float32Array[] | number[][];
  }

  private failure(failure: ReturnType<typeof classifyFailure>, status: number | undefined, e: Error, attempts: number): Error {
    const at = `the embeddings API at ${this.s.baseUrl}`;
    switch (failure) {
      case 'auth':
        return new TargetError(`${at} refused the API key (HTTP ${status}): check embeddings.openai.api_key or OPENAI_API_KEY, and that the key may use model "${this.s.model}"`, ExitCode.unavailable);
      case 'not-found':
        return new TargetError(`${at} answered HTTP 404 for model "${this.s.model}" (${this.redact(reason(e))}): check embeddings.openai.model and base_url (it ends in /v1 for most servers)`, ExitCode.usage);
      case 'retry':
        return new TargetError(`${at} kept failing (${this.redact(reason(e))}) after ${attempts} retries; rerun later`, ExitCode.tempFail, {}, true);
      default:
        return new RejectedInputError(status ?? 0, this.redact(reason(e)));
    }
  }

  /** Never lets the key into a message, whatever a server echoes. */
  private redact(text: string): string {
    const key = this.s.apiKey;
    return key.length >= 4 ? text.split(key).join('[redacted]') : text;
  }
}

function headersOf(e: InstanceType<typeof OpenAI.APIError>): { get(name: string): string | null } | undefined {
  const h = e.headers as unknown;
  if (!h) return undefined;
  if (typeof (h as Headers).get === 'function') return h as Headers;
  const record = h as Record<string, string>;
  return { get: (name) => record[name] ?? null };
}

function reason(e: Error): string {
  if (e instanceof openAI().APIConnectionTimeoutError) return 'the request timed out';
  if (e instanceof openAI().APIConnectionError) return `no connection (${(e.cause as Error | undefined)?.message ?? e.message})`;
  // the client's message starts with the status, which the caller names already
  return e.message.split('\n')[0].replace(/^\d{3} /, '');
}
