export interface EmbeddedPostgres {
  url: string;
  config: { host: string; port: number; user: string; password: string; database: string };
  port: number;
  dataDir: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}
export function freePort(): Promise<number>;
export function startEmbeddedPostgres(options?: { flags?: string[] }): Promise<EmbeddedPostgres>;
