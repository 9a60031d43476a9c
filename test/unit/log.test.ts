import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/log.js';

describe('redactSecrets: URLs', () => {
  it.each([
    ['postgresql://alice:hunter2@db:5432/app', 'postgresql://alice:[redacted]@db:5432/app'],
    ['postgresql+psycopg2://alice:hunter2@db/app', 'postgresql+psycopg2://alice:[redacted]@db/app'],
    ['postgres://:hunter2@db/app', 'postgres://:[redacted]@db/app'],
    ['POSTGRES://Alice:Hunter2@db/app', 'POSTGRES://Alice:[redacted]@db/app'],
    ['postgresql://alice:p%40ss%3Aword@db/app', 'postgresql://alice:[redacted]@db/app'],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('redacts URLs inside longer text, several times', () => {
    const text = 'could not connect to postgresql://a:one@h1/d (then tried postgres://b:two@h2/d)';
    const out = redactSecrets(text);
    expect(out).toBe('could not connect to postgresql://a:[redacted]@h1/d (then tried postgres://b:[redacted]@h2/d)');
  });

  it('leaves URLs without a password alone', () => {
    for (const text of ['postgresql://alice@db/app', 'postgresql://db:5432/app', 'https://example.com/path?q=1']) {
      expect(redactSecrets(text)).toBe(text);
    }
  });
});

describe('redactSecrets: key=value DSNs', () => {
  it.each([
    ['host=db password=hunter2 dbname=app', 'host=db password=[redacted] dbname=app'],
    ["host=db password='hunter 2' dbname=app", 'host=db password=[redacted] dbname=app'],
    ["password='it\\'s secret' user=u", 'password=[redacted] user=u'],
    ['host=db password = hunter2', 'host=db password = [redacted]'],
    ['PASSWORD=hunter2', 'PASSWORD=[redacted]'],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('does not leave any part of a quoted password with spaces', () => {
    const out = redactSecrets("connection_string=\"host=h password='correct horse battery staple'\"");
    expect(out).not.toMatch(/correct|horse|battery|staple/);
  });
});

describe('redactSecrets: private keys', () => {
  it.each(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'])('removes a PEM %s block', (kind) => {
    const pem = `-----BEGIN ${kind}-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END ${kind}-----`;
    const out = redactSecrets(`key: ${pem} and more`);
    expect(out).toBe('key: [redacted private key] and more');
    expect(out).not.toContain('MIIE');
  });

  it('removes each of several keys and keeps the text between them', () => {
    const key = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----';
    expect(redactSecrets(`${key} middle ${key}`)).toBe('[redacted private key] middle [redacted private key]');
  });

  it('leaves certificates (public) alone', () => {
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    expect(redactSecrets(cert)).toBe(cert);
  });
});

describe('redactSecrets: other text', () => {
  it('leaves text without secrets unchanged', () => {
    const text = 'line 3, stream "users": record does not match the schema: /id must be integer';
    expect(redactSecrets(text)).toBe(text);
    expect(redactSecrets('')).toBe('');
  });
});
