import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/args.js';
import { ConfigError } from '../../src/errors.js';

describe('parseArgs', () => {
  it('takes repeated --config (as FILE, =FILE or ENV), --input and --format', () => {
    expect(parseArgs(['--config', 'a.json', '--config=b.json', '--config', 'ENV', '--input', 'in.singer'])).toEqual({
      configs: ['a.json', 'b.json', 'ENV'],
      input: 'in.singer',
      about: false,
      format: 'json',
      version: false,
      help: false,
    });
    expect(parseArgs(['--about', '--format', 'markdown'])).toMatchObject({ about: true, format: 'markdown' });
    expect(parseArgs(['--about', '--format=text'])).toMatchObject({ about: true, format: 'text' });
    expect(parseArgs(['--version'])).toMatchObject({ version: true });
    expect(parseArgs(['-h'])).toMatchObject({ help: true });
    expect(parseArgs([])).toMatchObject({ configs: [], help: false });
  });

  it.each([
    [['--config'], '--config needs a value'],
    [['--config', '--input', 'x'], '--config needs a value'],
    [['--format', 'yaml'], '--format must be json, markdown or text'],
    [['--bogus'], 'unknown argument --bogus (see --help)'],
    [['config.json'], 'unknown argument config.json (see --help)'],
    [['--state', 's.json'], '--state is a tap option; a target takes --config and reads messages from stdin'],
    [['--discover'], '--discover is a tap option; a target takes --config and reads messages from stdin'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(ConfigError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
