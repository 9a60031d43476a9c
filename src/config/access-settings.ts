import type { ResolvedConfig } from './settings.js';

/*
 * The settings of who the target is on the server and what runs around a load: set_role,
 * session_variables, the SQL hooks and the SSH tunnel's required fields. Pure: checked with
 * every other config problem (exit 64), before any connection.
 */

/** Settings the target sets itself (TimeZone, DateStyle) or that have their own setting (set_role). */
const RESERVED_VARIABLES = new Map([
  ['timezone', 'the target sets TimeZone to UTC in every transaction, so date-times without an offset mean UTC'],
  ['datestyle', 'the target sets DateStyle to ISO, MDY in every transaction'],
  ['role', 'use set_role'],
  ['session_authorization', 'use set_role'],
]);

/** Config problems of the access settings (empty when fine). */
export function accessProblems(config: Pick<ResolvedConfig, 'session_variables' | 'ssh_tunnel' | 'set_role'>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(config.session_variables ?? {})) {
    const why = RESERVED_VARIABLES.get(name.toLowerCase());
    if (why) problems.push(`session_variables may not set ${name}: ${why}`);
    if (String(value).includes('\u0000')) problems.push(`session_variables.${name} contains a NUL character, which PostgreSQL cannot take`);
  }
  if (config.set_role?.includes('\u0000')) problems.push('set_role contains a NUL character, which PostgreSQL cannot take');
  const tunnel = config.ssh_tunnel;
  if (tunnel?.enable) {
    const missing = (['host', 'username', 'private_key'] as const).filter((k) => !tunnel[k]);
    if (missing.length) problems.push(`ssh_tunnel.enable is true but ssh_tunnel.${missing.join(', ssh_tunnel.')} ${missing.length > 1 ? 'are' : 'is'} not set`);
  }
  return problems;
}

/** session_variables as the text values set_config takes. */
export function sessionVariables(config: Pick<ResolvedConfig, 'session_variables'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.session_variables ?? {})) out[name] = String(value);
  return out;
}

/** A hook setting (a string or a list of them) as its statements, empty ones left out. */
export function hookStatements(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((s) => s.trim() !== '');
}
