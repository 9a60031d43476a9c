/**
 * A local stand-in for the OpenAI embeddings API (POST /v1/embeddings) on 127.0.0.1, driven
 * through the real `openai` client: float and base64 encoding_format, usage, OpenAI-shaped
 * error bodies, 429 with Retry-After, deterministic vectors from the text, scripted failures
 * and pauses. It lives in scripts/fake-openai.mjs so that the bench runs it too.
 */
export { fakeVector, startFakeOpenAI, type FakeOpenAI, type FakeRequest, type ScriptedFailure } from '../../scripts/fake-openai.mjs';
