import { homedir } from 'node:os';
import { join } from 'node:path';

/** A path starting with ~/ (as Meltano Hub's defaults do) is under the home directory. */
export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}
