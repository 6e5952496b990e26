/**
 * Opening embeddings.db: the file is checked to be SQLite before anything touches it, a newer schema or a
 * missing table gives a typed error, and the schema is migrated to Python `llm` 0.32's (see
 * `migrations.ts`). Foreign keys stay unenforced and the journal mode is left as it is, as Python leaves them.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { sqlite } from "../deps/sqlite.ts";
import { userPath } from "../user/dir.ts";
import { dirnamePath } from "../user/path.ts";
import {
  EmbeddingsDatabaseError,
  NewerEmbeddingsSchemaError,
  NoEmbeddingsTableError,
  NotAnEmbeddingsDatabaseError,
} from "./errors.ts";
import { migrate, needsMigration, unknownMigrations } from "./migrations.ts";

/** How long a connection waits for another process's lock, in milliseconds. */
const BUSY_TIMEOUT_MS = 5000;

const SQLITE_HEADER = "SQLite format 3\0";

/** Options of {@link openEmbeddingsDb}. */
export interface OpenEmbeddingsDbOptions {
  /**
   * A table that must already exist: the file is then never created, and a file without it gives a
   * {@link NoEmbeddingsTableError} (what `llm similar` and `llm collections` need). Default: none, and a
   * missing file is created.
   */
  require?: "embeddings" | "collections";
}

/** The default embeddings database: `embeddings.db` in the user directory. */
export function embeddingsDbPath(): string {
  return userPath("embeddings.db");
}

function fileKind(path: string): "missing" | "empty" | "sqlite" | "other" {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "missing";
    throw new EmbeddingsDatabaseError(path, `Cannot read '${path}': ${(error as Error).message}`);
  }
  if (!info.isFile) return "other";
  if (info.size === 0) return "empty";
  const file = Deno.openSync(path, { read: true });
  try {
    const header = new Uint8Array(SQLITE_HEADER.length);
    let read = 0;
    while (read < header.length) {
      const n = file.readSync(header.subarray(read));
      if (n === null) break;
      read += n;
    }
    return new TextDecoder().decode(header.subarray(0, read)) === SQLITE_HEADER ? "sqlite" : "other";
  } finally {
    file.close();
  }
}

function tableExists(db: DatabaseSync, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Whether `error` is SQLite saying the file is damaged or not a database. */
export function isCorruptionError(error: unknown): boolean {
  return /file is not a database|malformed|SQLITE_CORRUPT|SQLITE_NOTADB/i.test(
    String((error as Error)?.message),
  );
}

/**
 * Opens the embeddings database at `path` (`:memory:` for one in memory) and brings its schema up to date.
 *
 * @throws {NotAnEmbeddingsDatabaseError} the file is not SQLite, or SQLite finds it damaged; it is not changed.
 * @throws {NoEmbeddingsTableError} `require` names a table the file does not have (or there is no file).
 * @throws {NewerEmbeddingsSchemaError} a newer llm migrated it; it is not changed.
 *
 * @example
 * ```ts
 * import { openEmbeddingsDb } from "./db.ts";
 * const db = openEmbeddingsDb(":memory:");
 * console.log(db.prepare("select count(*) as n from collections").get()); // { n: 0 }
 * db.close();
 * ```
 */
export function openEmbeddingsDb(path: string, options: OpenEmbeddingsDbOptions = {}): DatabaseSync {
  const memory = path === ":memory:" || path === "";
  const kind = memory ? "empty" : fileKind(path);
  if (kind === "other") throw new NotAnEmbeddingsDatabaseError(path, "it has no SQLite header");
  if (options.require && (kind === "missing" || kind === "empty")) {
    throw new NoEmbeddingsTableError(path, options.require);
  }
  if (kind === "missing") Deno.mkdirSync(dirnamePath(path), { recursive: true });
  let db: DatabaseSync;
  try {
    db = new (sqlite().DatabaseSync)(memory ? ":memory:" : path, { enableForeignKeyConstraints: false });
  } catch (error) {
    throw new EmbeddingsDatabaseError(path, `Could not open '${path}': ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const unknown = unknownMigrations(db);
    if (unknown.length) throw new NewerEmbeddingsSchemaError(path, unknown);
    if (options.require && !tableExists(db, options.require)) {
      throw new NoEmbeddingsTableError(path, options.require);
    }
    if (needsMigration(db)) migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw wrapDatabaseError(path, error);
  }
}

/** `error` as an {@link EmbeddingsDatabaseError} naming `path`, when it is one SQLite raised about the file. */
export function wrapDatabaseError(path: string, error: unknown): unknown {
  if (error instanceof EmbeddingsDatabaseError) return error;
  if (isCorruptionError(error)) {
    return new NotAnEmbeddingsDatabaseError(path, (error as Error).message, { cause: error });
  }
  const message = String((error as Error)?.message ?? error);
  if (/readonly database|unable to open database file|database is locked/i.test(message)) {
    return new EmbeddingsDatabaseError(
      path,
      `Could not write to the embeddings database '${path}': ${message}. Check its permissions and that no ` +
        "other process holds it locked",
      { cause: error },
    );
  }
  return error;
}
