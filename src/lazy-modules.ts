import { createRequire } from 'node:module';
import type OpenAIModule from 'openai';
import type Ssh2Module from 'ssh2';

const require = createRequire(import.meta.url);

/**
 * Libraries only some runs use, loaded when first used: ssh2 (an SSH tunnel) takes about 30 ms
 * to load and openai (embeddings) about 40, which every run's start would pay otherwise.
 */
export const ssh2 = (): typeof Ssh2Module => require('ssh2') as typeof Ssh2Module;

/** The OpenAI client class (the package's default export). */
export const openAI = (): typeof OpenAIModule => (require('openai') as { default: typeof OpenAIModule }).default;
