import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configSchema, type SettingSchema } from './settings.js';

export const CAPABILITIES = ['about', 'activate-version', 'batch', 'hard-delete', 'schema-flattening', 'stream-maps', 'target-schema', 'validate-records'] as const;

export function packageInfo(): { name: string; version: string; description: string } {
  return JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'));
}

/** A setting's schema for `--about`: x-secret becomes secret/writeOnly, in nested settings too (embeddings.openai.api_key). */
function publicSetting(s: Record<string, unknown>): Record<string, unknown> {
  const { 'x-secret': secret, properties, items, ...rest } = s;
  const out: Record<string, unknown> = { ...rest, ...(secret ? { secret: true, writeOnly: true } : {}) };
  if (properties && typeof properties === 'object') {
    out.properties = Object.fromEntries(Object.entries(properties as Record<string, Record<string, unknown>>).map(([k, v]) => [k, publicSetting(v)]));
  }
  if (items && typeof items === 'object' && !Array.isArray(items)) out.items = publicSetting(items as Record<string, unknown>);
  return out;
}

/** `--about` in the Singer SDK's shape: name, version, capabilities, settings as JSON Schema. */
export function aboutJson(): Record<string, unknown> {
  const pkg = packageInfo();
  const schema = configSchema();
  const properties: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(schema.properties)) properties[name] = publicSetting(s);
  return {
    name: pkg.name,
    description: pkg.description,
    version: pkg.version,
    capabilities: [...CAPABILITIES],
    settings: { type: 'object', properties },
  };
}

export function aboutMarkdown(): string {
  const about = aboutJson();
  const props = (about.settings as { properties: Record<string, Record<string, unknown>> }).properties;
  const lines = [
    `# ${about.name}`,
    '',
    String(about.description),
    '',
    `Version: ${about.version}`,
    '',
    '## Capabilities',
    '',
    ...(about.capabilities as string[]).map((c) => `* \`${c}\``),
    '',
    '## Settings',
    '',
    '| Setting | Type | Default | Secret | Description |',
    '|:--|:--|:--|:--|:--|',
    ...Object.entries(props).map(
      ([name, p]) =>
        `| ${name} | ${p.enum ? (p.enum as string[]).join(' \\| ') : p.type} | ${p.default === undefined ? '' : JSON.stringify(p.default)} | ${p.secret ? 'yes' : ''} | ${String(p.description).replace(/\|/g, '\\|')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** `--about --format text` (the Singer SDK's default format): plain lines for a terminal. */
export function aboutText(): string {
  const about = aboutJson();
  const props = (about.settings as { properties: Record<string, Record<string, unknown>> }).properties;
  const lines = [
    `Name: ${about.name}`,
    `Version: ${about.version}`,
    `Description: ${about.description}`,
    `Capabilities: ${(about.capabilities as string[]).join(', ')}`,
    'Settings:',
    ...Object.entries(props).map(([name, p]) => {
      const facts = [p.enum ? (p.enum as string[]).join('|') : String(p.type)];
      if (p.default !== undefined) facts.push(`default ${JSON.stringify(p.default)}`);
      if (p.secret) facts.push('secret');
      return `  ${name} (${facts.join(', ')}): ${p.description}`;
    }),
    '',
  ];
  return lines.join('\n');
}
