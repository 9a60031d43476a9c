export interface FakeRequest {
  model: string;
  inputs: string[];
  dimensions?: number;
  encodingFormat: string;
  authorization: string | undefined;
  /** When it arrived (ms since the epoch). */
  at: number;
}

export interface ScriptedFailure {
  /** The status to answer with; none: answer normally (after delayMs). */
  status?: number;
  /** Wait this long first (longer than the client's timeout: a request that times out). */
  delayMs?: number;
  /** Header values to send (e.g. {'retry-after': '1'}). */
  headers?: Record<string, string>;
  message?: string;
}

export interface FakeOpenAI {
  /** e.g. http://127.0.0.1:PORT/v1 */
  baseUrl: string;
  requests: FakeRequest[];
  /** Most requests handled at the same time. */
  maxConcurrent: number;
  /** Answers the next requests with these failures, in order. */
  failNext(...failures: ScriptedFailure[]): void;
  /** Requests holding an input for which this returns true get a 400 naming it. */
  rejectInput(pred: ((input: string) => boolean) | undefined): void;
  /** Holds every request until resume() (requests still count as arriving). */
  pause(): void;
  resume(): void;
  /** Every request waits this long before it is answered. */
  delayMs: number;
  /** Vectors of this length whatever the request asks (a model that ignores dimensions). */
  forceDimensions: number | undefined;
  /** All inputs received, in order. */
  inputs(): string[];
  close(): Promise<void>;
}

/** The vector the fake server returns for a text: unit length, from the text's SHA-256. */
export function fakeVector(text: string, dimensions: number): number[];

/** Starts the server on 127.0.0.1 (a free port); `apiKey`: the one bearer token it accepts. */
export function startFakeOpenAI(options?: { apiKey?: string; defaultDimensions?: number }): Promise<FakeOpenAI>;
