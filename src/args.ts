import { ConfigError } from './errors.js';

export const HELP = `Usage: target-postgres --config FILE [--config FILE2 ...] [--input FILE]
       target-postgres --about [--format json|markdown|text]

Reads Singer messages (JSON lines) from stdin, or from --input FILE, and loads them into
PostgreSQL. Writes each state value to stdout once the records before it are committed.

Options:
  --config FILE|ENV   settings file (JSON); repeat to layer files, later ones win.
                      ENV reads TARGET_POSTGRES_<SETTING> environment variables.
  --input FILE        read messages from FILE instead of stdin
  --about             print name, version, capabilities and settings
  --format FORMAT     format of --about: json (default), markdown or text
  --version           print the version
  --help              print this help

Exit codes: 0 success, 64 bad usage or config, 65 bad input data, 69 database error,
70 internal error, 74 stdout closed, 75 transient database failure (safe to rerun),
130/143 stopped by SIGINT/SIGTERM after committing what was read.`;

export interface Args {
  configs: string[];
  input?: string;
  about: boolean;
  format: string;
  version: boolean;
  help: boolean;
}

/** The command line (without node and the script); bad usage is a ConfigError (exit 64). */
export function parseArgs(argv: string[]): Args {
  const args: Args = { configs: [], about: false, format: 'json', version: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new ConfigError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--config':
        args.configs.push(value());
        break;
      case '--input':
        args.input = value();
        break;
      case '--format':
        args.format = value();
        break;
      case '--about':
      case '--version':
        args[flag === '--about' ? 'about' : 'version'] = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--discover':
      case '--state':
      case '--catalog':
        throw new ConfigError(`${flag} is a tap option; a target takes --config and reads messages from stdin`);
      default:
        throw new ConfigError(`unknown argument ${a} (see --help)`);
    }
  }
  if (!['json', 'markdown', 'text'].includes(args.format)) throw new ConfigError(`--format must be json, markdown or text`);
  return args;
}
