import { qualified, quoteIdent, quoteLiteral } from './quote.js';

/*
 * Who may do what: the role and settings every transaction runs with (set_role,
 * session_variables) and the grants the target gives on what it creates (grant_select_to).
 */

/**
 * Transaction-scoped role and settings, for the statement that opens every transaction:
 * SET LOCAL ROLE and set_config(name, value, true), so they hold behind a pooler in transaction
 * mode and never leak into a pooled connection. Empty when neither is set.
 */
export function buildSessionSettingsSql(role: string | undefined, variables: Readonly<Record<string, string>>): string[] {
  const parts: string[] = [];
  if (role) parts.push(`SET LOCAL ROLE ${quoteIdent(role)}`);
  const names = Object.keys(variables);
  if (names.length) parts.push(`SELECT ${names.map((n) => `set_config(${quoteLiteral(n)}, ${quoteLiteral(variables[n])}, true)`).join(', ')}`);
  return parts;
}

/** A grantee: PUBLIC as the keyword, any other name as a quoted role. */
function grantee(role: string): string {
  return role.toUpperCase() === 'PUBLIC' ? 'PUBLIC' : quoteIdent(role);
}

export function buildGrantSchemaUsageSql(schema: string, roles: readonly string[]): string {
  return `GRANT USAGE ON SCHEMA ${quoteIdent(schema)} TO ${roles.map(grantee).join(', ')}`;
}

export function buildGrantTableSelectSql(schema: string, table: string, roles: readonly string[]): string {
  return `GRANT SELECT ON TABLE ${qualified(schema, table)} TO ${roles.map(grantee).join(', ')}`;
}

/** The names in $1 (text[]) that are no role ($1 without PUBLIC). */
export const MISSING_ROLES_SQL = 'SELECT r AS name FROM unnest($1::text[]) AS r WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)';
