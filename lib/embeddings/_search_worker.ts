/**
 * A worker that scans parts of a search (rowid ranges) on its own read-only connection, so a large collection
 * is scanned on several cores at once; it keeps the connection for the next part it is sent. Started by
 * `_search_parts.ts` for either engine.
 * @module
 */
/// <reference lib="deno.worker" />
import type { DatabaseSync } from "node:sqlite";
import { openScanConnection, type PartRequest } from "./_search_parts.ts";
import { loadSqliteVecInto, openForExtensions } from "./search_vec.ts";
import { scanRange } from "./search_scan.ts";

let conn: DatabaseSync | undefined;

function connection(request: PartRequest): DatabaseSync {
  if (conn) return conn;
  conn = request.engine === "sqlite-vec"
    ? loadSqliteVecInto(openForExtensions(request.path), request.extension)
    : openScanConnection(request.path);
  return conn;
}

self.onmessage = (event: MessageEvent<PartRequest>) => {
  const request = event.data;
  try {
    const db = connection(request);
    const rows = request.engine === "sqlite-vec"
      ? db.prepare(request.sql).all(...request.params)
      : scanRange(db, request.where, request.args, request.vector, request.range, request.size);
    self.postMessage({ rows });
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
