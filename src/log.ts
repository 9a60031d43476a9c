import pino, { type Logger, type Level } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line. */
const redactPaths = [
  'password',
  '*.password',
  'sqlalchemy_url',
  '*.sqlalchemy_url',
  'connection_string',
  '*.connection_string',
  'ssl_client_private_key',
  '*.ssl_client_private_key',
  'ssl_client_private_key_password',
  '*.ssl_client_private_key_password',
  'private_key',
  '*.private_key',
  'private_key_password',
  '*.private_key_password',
  'ssh_tunnel.private_key',
  'ssh_tunnel.private_key_password',
  'api_key',
  '*.api_key',
  '*.*.api_key',
];

const levelNames: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** A minimal human-readable rendering of pino's JSON lines, used when stderr is a terminal. */
function prettyDestination(): { write(line: string): void } {
  return {
    write(line: string) {
      try {
        const { level, time, msg, pid: _pid, hostname: _host, ...rest } = JSON.parse(line) as Record<string, unknown>;
        const extra = Object.keys(rest).length ? ' ' + JSON.stringify(rest) : '';
        const t = new Date(time as number).toISOString().slice(11, 23);
        process.stderr.write(`${t} ${levelNames[level as number] ?? level} ${msg ?? ''}${extra}\n`);
      } catch {
        process.stderr.write(line);
      }
    },
  };
}

export function createLogger(level: string = 'info', pretty: boolean = process.stderr.isTTY === true): Logger {
  const destination = pretty ? prettyDestination() : pino.destination({ fd: 2, sync: true });
  return pino(
    {
      name: 'target-postgres',
      level: level as Level,
      base: undefined,
      redact: { paths: redactPaths, censor: '[redacted]' },
    },
    destination,
  );
}

/** Removes passwords from connection strings and URLs in any text. */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)[^@\s]*@/gi, '$1[redacted]@')
    .replace(/(\bBearer\s+)\S+/g, '$1[redacted]')
    .replace(/(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, '$1[redacted]')
    .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[redacted private key]');
}
