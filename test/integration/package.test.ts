import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const work = mkdtempSync(join(tmpdir(), 'tp-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error' } });

describe('the npm package', () => {
  it('declares the build on prepare and prepack, so a fresh clone and a packed tarball both carry dist/', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };
    expect(pkg.scripts.prepare).toBe('npm run build');
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.bin['target-postgres']).toBe('dist/cli.js');
  });

  it('installs from its tarball into a fresh prefix and runs --version, --about and a load', async () => {
    // dist/ is already built by `npm test`; rebuilding it here would race the other test files
    npm(['pack', '--ignore-scripts', '--pack-destination', work], root);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const listing = execFileSync('tar', ['-tzf', join(work, tarball!)], { encoding: 'utf8' });
    expect(listing).toContain('package/dist/cli.js');
    expect(listing).toContain('package/schemas/config.schema.json');
    expect(listing).not.toContain('package/test/');

    const prefix = join(work, 'prefix');
    npm(['install', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', join(work, tarball!)], work);
    const bin = join(prefix, 'node_modules', '.bin', 'target-postgres');
    const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toBe(version);
    expect(JSON.parse(execFileSync(bin, ['--about'], { encoding: 'utf8' })).name).toBe('target-postgres');

    const config = join(work, 'config.json');
    writeFileSync(config, JSON.stringify({ ...db.config, default_target_schema: 'packaged' }), { mode: 0o600 });
    const out = execFileSync(bin, ['--config', config], { input: singer(schemaMsg('p', { id: { type: 'integer' } }), rec('p', { id: 1 }), rec('p', { id: 2 }), state({ done: true })), encoding: 'utf8' });
    expect(out.trim()).toBe('{"done":true}');
    expect(await db.query('SELECT id FROM packaged.p ORDER BY id')).toEqual([{ id: '1' }, { id: '2' }]);
  }, 180_000);
});
