/**
 * A small SQL helper for the `llm logs` readers.
 *
 * @module
 */

import type { DatabaseSync, SQLInputValue } from "node:sqlite";

/**
 * Runs `sql`, whose `$LIST` marks an `in (...)` list, for `values` in chunks of 500 (under SQLite's bound
 * parameter limit) and returns all rows.
 */
export function allIn<T>(db: DatabaseSync, sql: string, values: readonly SQLInputValue[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < values.length; i += 500) {
    const chunk = values.slice(i, i + 500);
    const query = sql.replace("$LIST", chunk.map(() => "?").join(", "));
    out.push(...(db.prepare(query).all(...chunk) as T[]));
  }
  return out;
}
