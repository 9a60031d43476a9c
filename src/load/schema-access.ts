import type { PoolClient } from 'pg';
import { DestinationError } from '../errors.js';
import type { TableName } from '../schema/names.js';
import { buildGrantSchemaUsageSql, buildGrantTableSelectSql } from '../sql/access.js';
import { SCHEMA_EXISTS_SQL, buildCreateSchemaSql } from '../sql/ddl.js';
import { quoteIdent } from '../sql/quote.js';

/** What the target may create and whom it lets read what it loads (create_schemas, grant_select_to). */
export interface TableAccess {
  createSchemas: boolean;
  grantSelectTo: readonly string[];
}

export const DEFAULT_ACCESS: TableAccess = { createSchemas: true, grantSelectTo: [] };

/**
 * Makes sure the schema exists (creating it unless create_schemas is false, which makes a missing
 * schema an error naming it) and gives the grant_select_to roles USAGE on it. Runs at SCHEMA time
 * inside the table sync's transaction, under the DDL lock.
 */
export async function ensureSchema(client: PoolClient, stream: string, schema: string, access: TableAccess): Promise<void> {
  const ns = await client.query(SCHEMA_EXISTS_SQL, [schema]);
  if (ns.rowCount === 0) {
    if (!access.createSchemas) {
      throw new DestinationError(
        `schema ${quoteIdent(schema)} does not exist and create_schemas is false: create it (CREATE SCHEMA ${quoteIdent(schema)}) or set create_schemas to true`,
        false,
        { stream: stream || undefined },
      );
    }
    await client.query(buildCreateSchemaSql(schema));
  }
  if (access.grantSelectTo.length) await client.query(buildGrantSchemaUsageSql(schema, access.grantSelectTo));
}

/** SELECT for the grant_select_to roles on a table the target just created. */
export async function grantOnCreatedTable(client: PoolClient, table: TableName, access: TableAccess): Promise<void> {
  if (access.grantSelectTo.length) await client.query(buildGrantTableSelectSql(table.schema, table.table, access.grantSelectTo));
}
