/**
 * A worker that runs one part of a sqlite-vec search (a range of rowids) on its own connection, so a large
 * collection is scanned on several cores at once. Started by `search_vec.ts`.
 * @module
 */
/// <reference lib="deno.worker" />
import { openWithSqliteVec } from "./search_vec.ts";

/** What the worker is asked to run. */
export interface PartRequest {
  /** The database file. */
  path: string;
  /** The query, with the rowid range and limit as its last parameters. */
  sql: string;
  /** Its parameters. */
  params: (string | number | Uint8Array)[];
}

self.onmessage = async (event: MessageEvent<PartRequest>) => {
  const { path, sql, params } = event.data;
  try {
    const conn = await openWithSqliteVec(path);
    try {
      self.postMessage({ rows: conn.prepare(sql).all(...params) });
    } finally {
      conn.close();
    }
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
