/**
 * Whether logs.db can take the rows this version writes when a newer llm has migrated it (its
 * `_llm_migrations` names steps this version does not know). Such a database is never migrated by us; a turn
 * is logged there only when every table and column we write exists and no column we leave out insists on a
 * value. The check is one query over `pragma_table_info`, run once per opened database, and only for a
 * database with unknown migrations (one this version migrated has exactly the schema it writes).
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { migrate } from "./migrations.ts";
 * import { schemaMisfit } from "./schema_fit.ts";
 * const db = new DatabaseSync(":memory:");
 * migrate(db);
 * console.log(schemaMisfit(db)); // undefined: every table and column we write is there
 * ```
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/**
 * The tables a logged turn writes and the columns it fills (logs/store.ts, logs/fragments/*.ts). Add to it
 * when a writer starts filling a new table or column.
 */
export const WRITTEN_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  threads: ["id", "name", "tip_message_hash", "forked_from", "datetime_utc"],
  messages: ["hash", "parent_hash", "role", "provider_metadata"],
  parts: ["id", "message_hash", "position", "type", "tool_name", "text", "payload"],
  attachments: ["id", "type", "path", "url", "content"],
  part_attachments: ["part_id", "attachment_id", "order"],
  schemas: ["id", "content"],
  turns: [
    "id",
    "thread_id",
    "parent_message_hash",
    "tip_message_hash",
    "model",
    "resolved_model",
    "options_json",
    "schema_id",
    "input_tokens",
    "output_tokens",
    "token_details",
    "duration_ms",
    "datetime_utc",
    "response_json",
  ],
  turn_search: ["turn_id", "prompt", "response"],
  fragments: ["id", "hash", "content", "datetime_utc", "source"],
  turn_fragments: ["turn_id", "fragment_id", "order", "kind"],
  tools: ["id", "hash", "name", "description", "input_schema", "plugin"],
  tool_instances: ["id", "plugin", "name", "arguments"],
  turn_tools: ["turn_id", "tool_id", "instance_id"],
  part_fragments: ["part_id", "fragment_id", "order"],
};

interface ColumnRow {
  tbl: string;
  name: string;
  required: number;
  dflt: unknown;
  pk: number;
}

/**
 * What keeps `db` from taking the rows a logged turn writes, as a phrase (`the turns table has no 'model'
 * column`), or `undefined` when they fit.
 */
export function schemaMisfit(db: DatabaseSync): string | undefined {
  const tables = Object.keys(WRITTEN_COLUMNS);
  const rows = db.prepare(
    `SELECT m.name AS tbl, p.name AS name, p."notnull" AS required, p.dflt_value AS dflt, p.pk AS pk
     FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p
     WHERE m.type = 'table' AND m.name IN (${tables.map(() => "?").join(", ")})`,
  ).all(...tables) as unknown as ColumnRow[];
  const found = new Map<string, ColumnRow[]>();
  for (const row of rows) found.set(row.tbl, [...found.get(row.tbl) ?? [], row]);
  for (const table of tables) {
    const columns = found.get(table);
    if (!columns) return `it has no ${table} table`;
    const names = new Set(columns.map((c) => c.name));
    const missing = WRITTEN_COLUMNS[table].filter((c) => !names.has(c));
    if (missing.length) {
      return `its ${table} table has no ${missing.map((c) => `'${c}'`).join(", ")} column` +
        (missing.length > 1 ? "s" : "");
    }
    const written = new Set(WRITTEN_COLUMNS[table]);
    // A NOT NULL column without a default that we leave out refuses every row (an INTEGER primary key fills itself).
    const insisting = columns.filter((c) => c.required && c.dflt === null && !written.has(c.name) && !c.pk);
    if (insisting.length) {
      return `its ${table} table needs a value for ${insisting.map((c) => `'${c.name}'`).join(", ")}, ` +
        "which this version does not write";
    }
  }
  return undefined;
}
