import type { ResolvedConfig } from '../config/settings.js';
import { ConfigError } from '../errors.js';
import type { Loader } from '../load/loader.js';
import type { Logger } from '../log.js';
import { resolveEmbeddings } from './embeddings-config.js';
import { Enricher } from './enricher.js';

/** The enricher the config asks for (undefined without `embeddings`); config problems found before any SCHEMA are one error (exit 64). */
export function createEnricher(config: ResolvedConfig, loader: Pick<Loader, 'transaction'>, log: Logger, env: NodeJS.ProcessEnv = process.env): Enricher | undefined {
  if (!config.embeddings) return undefined;
  const { settings, problems } = resolveEmbeddings(config.embeddings, env);
  if (problems.length) throw new ConfigError(`invalid config: ${problems.join('; ')}`);
  return new Enricher(settings, (what, ctx, work) => loader.transaction(what, ctx, work), log);
}

/** The run summary's embeddings line, and a warning for configured streams that never sent a SCHEMA. */
export function logEnrichSummary(enricher: Enricher, log: Logger): void {
  const s = enricher.summary();
  log.info(
    { chunksEmbedded: s.chunksEmbedded, chunksWritten: s.chunksWritten, apiCalls: s.apiCalls, tokens: s.tokens, inputsSkipped: s.inputsSkipped, rowsEmbedded: s.rowsEmbedded, rowsUnchanged: s.rowsUnchanged, rowsRemoved: s.rowsRemoved, retries: s.retries },
    `embeddings: ${s.chunksEmbedded} chunks embedded in ${s.apiCalls} API calls (${s.tokens} tokens), ${s.inputsSkipped} inputs skipped as unchanged`,
  );
  const prepared = new Set(enricher.preparedStreams);
  for (const stream of enricher.configuredStreams) {
    if (!prepared.has(stream)) log.warn({ stream }, `embeddings are configured for stream "${stream}", which sent no SCHEMA in this run: check the stream name in embeddings.tables`);
  }
}
