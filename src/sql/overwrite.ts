import { qualified, quoteIdent, quoteLiteral } from './quote.js';

/** The fresh table an overwrite run loads into: shaped like the live one (indexes, defaults, comments). */
export function buildCreateLikeSql(schema: string, fresh: string, live: string): string {
  return `CREATE TABLE ${qualified(schema, fresh)} (LIKE ${qualified(schema, live)} INCLUDING ALL)`;
}

export function buildDropTableSql(schema: string, table: string): string {
  return `DROP TABLE IF EXISTS ${qualified(schema, table)}`;
}

export function buildRenameTableSql(schema: string, from: string, to: string): string {
  return `ALTER TABLE ${qualified(schema, from)} RENAME TO ${quoteIdent(to)}`;
}

export function buildLockTableSql(schema: string, table: string): string {
  return `LOCK TABLE ${qualified(schema, table)} IN ACCESS EXCLUSIVE MODE`;
}

/** GRANT statements that give the fresh table the live table's privileges (and owner). */
export function buildCopyGrantsQuery(schema: string, live: string): string {
  return `SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee, a.is_grantable
FROM pg_class c
CROSS JOIN LATERAL aclexplode(c.relacl) a
LEFT JOIN pg_roles r ON r.oid = a.grantee
WHERE c.oid = ${quoteLiteral(qualified(schema, live))}::regclass AND a.grantee <> c.relowner`;
}

export function buildGrantSql(schema: string, table: string, privilege: string, grantee: string, grantable: boolean): string {
  if (!/^[A-Z ]+$/.test(privilege)) throw new Error(`unexpected privilege ${privilege}`);
  const who = grantee === 'PUBLIC' ? 'PUBLIC' : grantee; // already quote_ident-ed by the server
  return `GRANT ${privilege} ON ${qualified(schema, table)} TO ${who}${grantable ? ' WITH GRANT OPTION' : ''}`;
}
