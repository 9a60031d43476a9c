import { createRequire } from 'node:module';
import type AjvModule from 'ajv';
import type OpenAIModule from 'openai';
import type Ssh2Module from 'ssh2';

const require = createRequire(import.meta.url);

/**
 * Libraries only some runs (or threads) use, loaded when first used: ssh2 (an SSH tunnel) takes
 * about 30 ms to load, openai (embeddings) about 40, and ajv with ajv-formats 40-50, which an
 * encode worker whose records all take the transcoder never needs.
 */
export const ssh2 = (): typeof Ssh2Module => require('ssh2') as typeof Ssh2Module;

/** The OpenAI client class (the package's default export). */
export const openAI = (): typeof OpenAIModule => (require('openai') as { default: typeof OpenAIModule }).default;

type AjvConstructor = typeof AjvModule.default;
type AddFormats = (ajv: InstanceType<AjvConstructor>, formats: string[]) => unknown;

/** The Ajv class. */
export const ajv = (): AjvConstructor => {
  const m = require('ajv') as AjvConstructor & { default?: AjvConstructor };
  return m.default ?? m;
};

/** ajv-formats' function that adds formats to an Ajv instance. */
export const ajvAddFormats = (): AddFormats => {
  const m = require('ajv-formats') as AddFormats & { default?: AddFormats };
  return m.default ?? m;
};

/** ajv-formats' full format checks, by format name. */
export const ajvFullFormats = (): Record<string, unknown> => (require('ajv-formats/dist/formats.js') as { fullFormats: Record<string, unknown> }).fullFormats;
