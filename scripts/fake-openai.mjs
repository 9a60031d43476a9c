import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

// A local stand-in for the OpenAI embeddings API (POST /v1/embeddings), on 127.0.0.1, for the
// real `openai` client: float and base64 encoding_format, usage, OpenAI-shaped error bodies,
// 429 with Retry-After, deterministic vectors from the text (fakeVector). Tests script failures
// and pauses, and read every request it got.
// Types: fake-openai.d.mts. Used by test/helpers/fake-openai.ts and the embeddings bench scenario.

/** The vector the fake server returns for a text: unit length, from the text's SHA-256. */
export function fakeVector(text, dimensions) {
  const out = new Array(dimensions);
  let block = Buffer.alloc(0);
  let counter = 0;
  for (let i = 0; i < dimensions; i++) {
    if ((i * 2) % 32 === 0)
      block = createHash('sha256').update(`${counter++}:${text}`).digest();
    const v = block.readUInt16LE((i * 2) % 32);
    out[i] = v / 32768 - 1;
  }
  const norm = Math.sqrt(out.reduce((s, x) => s + x * x, 0)) || 1;
  // float32 precision, as the real API's base64 payload has
  return out.map((x) => Math.fround(x / norm));
}
function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
function errorBody(message, type, code, param = null) {
  return { error: { message, type, param, code } };
}
export async function startFakeOpenAI(options = {}) {
  const failures = [];
  let reject;
  let paused;
  let inFlight = 0;
  const fake = {
    requests: [],
    maxConcurrent: 0,
    failNext: (...f) => void failures.push(...f),
    rejectInput: (pred) => void (reject = pred),
    pause: () => void (paused ??= []),
    resume: () => {
      const waiting = paused ?? [];
      paused = undefined;
      for (const w of waiting)
        w();
    },
    delayMs: 0,
    forceDimensions: undefined,
    inputs: () => fake.requests.flatMap((r) => r.inputs),
  };
  async function handle(req, res, raw) {
    if (req.method !== 'POST' || req.url?.replace(/\?.*$/, '') !== '/v1/embeddings') {
      send(res, 404, errorBody(`Invalid URL (${req.method} ${req.url})`, 'invalid_request_error', null));
      return;
    }
    const auth = req.headers.authorization;
    if (options.apiKey !== undefined && auth !== `Bearer ${options.apiKey}`) {
      // like the real API, the message shows a masked key; the target must not print it anyway
      send(res, 401, errorBody(`Incorrect API key provided: ${(auth ?? '').slice(7, 10)}***. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key'));
      return;
    }
    let body;
    try {
      body = JSON.parse(raw);
    }
    catch {
      send(res, 400, errorBody('We could not parse the JSON body of your request.', 'invalid_request_error', null));
      return;
    }
    const inputs = typeof body.input === 'string' ? [body.input] : (body.input ?? []);
    fake.requests.push({ model: body.model ?? '', inputs, dimensions: body.dimensions, encodingFormat: body.encoding_format ?? 'float', authorization: auth, at: Date.now() });
    if (paused)
      await new Promise((resolve) => paused.push(resolve));
    if (fake.delayMs)
      await new Promise((r) => setTimeout(r, fake.delayMs));
    const failure = failures.shift();
    if (failure?.delayMs)
      await new Promise((r) => setTimeout(r, failure.delayMs));
    if (failure?.status !== undefined) {
      const type = failure.status === 429 ? 'requests' : failure.status >= 500 ? 'server_error' : 'invalid_request_error';
      send(res, failure.status, errorBody(failure.message ?? `scripted failure ${failure.status}`, type, failure.status === 429 ? 'rate_limit_exceeded' : null), failure.headers);
      return;
    }
    if (!body.model) {
      send(res, 400, errorBody('you must provide a model parameter', 'invalid_request_error', null));
      return;
    }
    const bad = reject ? inputs.findIndex(reject) : -1;
    if (bad >= 0) {
      send(res, 400, errorBody(`This model's maximum context length is 8192 tokens; input ${bad} is too long.`, 'invalid_request_error', null, 'input'));
      return;
    }
    const dims = fake.forceDimensions ?? body.dimensions ?? options.defaultDimensions ?? 1536;
    const base64 = body.encoding_format === 'base64';
    const data = inputs.map((text, index) => {
      const v = fakeVector(text, dims);
      const embedding = base64 ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v;
      return { object: 'embedding', index, embedding };
    });
    const tokens = inputs.reduce((n, t) => n + Math.max(1, Math.ceil(t.length / 4)), 0);
    send(res, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      inFlight++;
      fake.maxConcurrent = Math.max(fake.maxConcurrent, inFlight);
      handle(req, res, raw)
        .catch((e) => send(res, 500, errorBody(String(e), 'server_error', null)))
        .finally(() => inFlight--);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return Object.assign(fake, {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise((resolve) => {
      fake.resume();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  });
}
