import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/settings.js';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();

const schemaC = schemaMsg('c', { id: { type: 'integer' } });

describe('command line', () => {
  it('--about --format json lists every setting with type and default, and the capabilities', async () => {
    const r = await runTarget({ args: ['--about', '--format', 'json'] });
    expect(r.code).toBe(0);
    const about = JSON.parse(r.stdout.join('\n'));
    expect(about.name).toBe('target-postgres');
    expect(about.capabilities).toEqual(expect.arrayContaining(['about', 'activate-version', 'hard-delete', 'schema-flattening', 'target-schema', 'validate-records']));
    const props = about.settings.properties;
    expect(Object.keys(props).sort()).toEqual(Object.keys(configSchema().properties).sort());
    expect(props.port).toMatchObject({ type: 'integer', minimum: 1, maximum: 65535 });
    expect(props.batch_size_rows).toMatchObject({ type: 'integer', default: 10000 });
    expect(props.add_record_metadata).toMatchObject({ type: 'boolean', default: true });
    expect(props.password).toMatchObject({ type: 'string', secret: true });
    for (const [name, p] of Object.entries<Record<string, unknown>>(props)) expect(p.description, name).toBeTruthy();
  });

  it('--about --format markdown prints a settings table', async () => {
    const r = await runTarget({ args: ['--about', '--format', 'markdown'] });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| Setting | Type | Default | Secret | Description |');
    expect(r.stdout.some((l) => l.startsWith('| password | string |  | yes |'))).toBe(true);
  });

  it('--about --format text (the Singer SDK default) lists name, capabilities and every setting', async () => {
    const r = await runTarget({ args: ['--about', '--format', 'text'] });
    expect(r.code).toBe(0);
    expect(r.stdout[0]).toBe('Name: target-postgres');
    expect(r.stdout).toContain('Capabilities: about, activate-version, batch, hard-delete, schema-flattening, stream-maps, target-schema, validate-records');
    for (const name of Object.keys(configSchema().properties)) expect(r.stdout.some((l) => l.startsWith(`  ${name} (`))).toBe(true);
    expect(r.stdout.some((l) => l.startsWith('  password (string, secret): '))).toBe(true);
  });

  it('peer settings that would change the data, a tunnel without its key, and stream maps that cannot parse, are refused before connecting (exit 64)', async () => {
    const r = await runTarget({
      config: { host: '127.0.0.1', port: 1, ssh_tunnel: { enable: true, host: 'bastion' }, stream_maps: { users: { email: 'md5(email' } } },
      input: '',
    });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('ssh_tunnel.enable is true but ssh_tunnel.username, ssh_tunnel.private_key are not set');
    expect(r.stderr).toContain('stream_maps.users.email: expected , or ) at 10 (end of expression) in "md5(email"');
    expect(r.stderr).not.toContain('ECONNREFUSED');
  });

  it('--version and --help', async () => {
    const v = await runTarget({ args: ['--version'] });
    expect(v.code).toBe(0);
    expect(v.stdout[0]).toMatch(/^\d+\.\d+\.\d+/);
    const h = await runTarget({ args: ['--help'] });
    expect(h.code).toBe(0);
    expect(h.stdout.join('\n')).toContain('--config FILE');
  });

  it('an unknown argument is a usage error', async () => {
    const r = await runTarget({ args: ['--bogus'] });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('unknown argument --bogus');
  });

  it('a bad config exits 64 listing every problem, before connecting', async () => {
    const r = await runTarget({ config: { port: 'five', load_method: 'sideways', batch_size_rows: 0, host: '203.0.113.1' }, input: '' });
    expect(r.code).toBe(64);
    const line = r.stderr.split('\n').find((l) => l.startsWith('target-postgres: error:'))!;
    expect(line).toContain('port must be integer');
    expect(line).toContain('load_method must be equal to one of the allowed values: append-only, upsert');
    expect(line).toContain('batch_size_rows must be >= 1');
  });

  it('unknown config keys give a warning, not an error', async () => {
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'cli_unknown', some_meltano_key: 1 }, input: singer(schemaC, rec('c', { id: 1 })) });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('unknown config key \\"some_meltano_key\\" ignored');
  });

  it('--config ENV reads TARGET_POSTGRES_* variables, JSON for non-strings', async () => {
    const env: Record<string, string> = {
      TARGET_POSTGRES_HOST: db.config.host,
      TARGET_POSTGRES_PORT: String(db.config.port),
      TARGET_POSTGRES_USER: db.config.user,
      TARGET_POSTGRES_DATABASE: db.config.database,
      TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA: 'from_env',
      TARGET_POSTGRES_ADD_RECORD_METADATA: 'false',
    };
    if (db.config.password) env.TARGET_POSTGRES_PASSWORD = db.config.password;
    const r = await runTarget({ args: ['--config', 'ENV'], env, input: singer(schemaC, rec('c', { id: 7 })) });
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    const cols = await db.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'from_env' AND table_name = 'c'`);
    expect(cols).toEqual([{ column_name: 'id' }]);
  });

  it('later --config files override earlier ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-layer-'));
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify({ ...db.config, default_target_schema: 'layer_a' }));
    writeFileSync(b, JSON.stringify({ default_target_schema: 'layer_b' }));
    const r = await runTarget({ args: ['--config', a, '--config', b], input: singer(schemaC, rec('c', { id: 1 })) });
    expect(r.code).toBe(0);
    expect(await db.query('SELECT id::text FROM layer_b.c')).toEqual([{ id: '1' }]);
  });

  it('--input reads messages from a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-input-'));
    const file = join(dir, 'in.singer');
    writeFileSync(file, singer(schemaC, rec('c', { id: 3 }), state({ f: 1 })));
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'from_file' }, inputFile: file });
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"f":1}']);
  });

  it('pipelinewise aliases are read with a notice', async () => {
    const { database, ...rest } = db.config;
    const r = await runTarget({
      config: { ...rest, dbname: database, default_target_schema: 'alias', add_metadata_columns: false },
      input: singer(schemaC, rec('c', { id: 1 })),
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('pipelinewise alias');
    const cols = await db.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'alias' AND table_name = 'c'`);
    expect(cols).toEqual([{ column_name: 'id' }]);
  });
});

describe('secrets', () => {
  const secret = 'S3cr3t-Pa55word!';
  it('a wrong password never appears in any output', async () => {
    const r = await runTarget({ config: { ...db.config, password: secret, user: 'no_such_user_tp', max_retries: 0 }, input: singer(schemaC) });
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout.join('\n')).not.toContain(secret);
    expect(r.stderr).toContain('target-postgres: error:');
  });

  it('a password inside sqlalchemy_url or connection_string never appears in any output', async () => {
    const url = `postgresql+psycopg2://no_such_user_tp:${encodeURIComponent(secret)}@${db.config.host}:${db.config.port}/${db.config.database}`;
    const r1 = await runTarget({ config: { sqlalchemy_url: url, max_retries: 0, log_level: 'trace' }, input: singer(schemaC) });
    expect(r1.code).not.toBe(0);
    expect(r1.stderr).not.toContain(secret);
    expect(r1.stderr).not.toContain(encodeURIComponent(secret));
    const dsn = `host=${db.config.host} port=${db.config.port} dbname=${db.config.database} user=no_such_user_tp password='${secret}'`;
    const r2 = await runTarget({ config: { connection_string: dsn, max_retries: 0, log_level: 'trace' }, input: singer(schemaC) });
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).not.toContain(secret);
  });

  it('a successful run with trace logging never logs the password', async () => {
    const role = `tp_secret_${process.pid}`;
    await db.query(`CREATE ROLE ${role} LOGIN PASSWORD '${secret}'`);
    await db.query(`GRANT ALL ON DATABASE ${db.config.database} TO ${role}`);
    try {
      const r = await runTarget({
        config: { ...db.config, user: role, password: secret, default_target_schema: 'sec', log_level: 'trace' },
        input: singer(schemaC, rec('c', { id: 1 })),
      });
      expect(r.stderr).toContain('"msg":"connected"');
      expect(r.code).toBe(0);
      expect(r.stderr).not.toContain(secret);
    } finally {
      await db.query(`DROP OWNED BY ${role}`);
      await db.query(`DROP ROLE ${role}`);
    }
  });
});

describe('generated files', () => {
  it('the config type and README table are up to date with schemas/config.schema.json', () => {
    // exits non-zero (and execFileSync throws) when a generated file is stale
    expect(() => execFileSync(process.execPath, ['scripts/generate.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
