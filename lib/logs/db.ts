/**
 * Opening logs.db safely: the file is checked to be SQLite before anything touches it, a read-only file
 * or directory gives a typed error, and the schema is migrated to match Python llm 0.32. A database a newer
 * llm has migrated is opened as it is, never migrated (whether a turn fits it is `schemaMisfit`'s question).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { sqlite } from "../deps/sqlite.ts";
import { dirnamePath, joinPath } from "../user/path.ts";
import { userPath } from "../user/dir.ts";
import {
  LogsDatabaseError,
  MissingLogsDatabaseError,
  NotSQLiteError,
  OpenLogsDatabaseError,
  ReadOnlyDatabaseError,
} from "./errors.ts";
import { migrate, pendingMigrations, unknownMigrations } from "./migrations.ts";

/** How long a connection waits for another process's lock before failing, in milliseconds. */
export const BUSY_TIMEOUT_MS = 5000;

const SQLITE_HEADER = new TextEncoder().encode("SQLite format 3\0");

/** Options of {@link openLogsDb}. */
export interface OpenLogsDbOptions {
  /** Open for reading only: nothing is created or changed. Default false. */
  readonly readonly?: boolean;
  /** Create the file (and its directory) when missing. Default true, and always false when `readonly`. */
  readonly create?: boolean;
}

/** The default logs database path: `logs.db` in the user directory. */
export function logsDbPath(): string {
  return userPath("logs.db");
}

/** Whether logging is on: it is, unless a file named `logs-off` exists in the user directory. */
export function logsAreOn(): boolean {
  try {
    Deno.statSync(userPath("logs-off"));
    return false;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    throw error;
  }
}

/**
 * What is at `path`: `"missing"`, `"empty"` (a zero-byte file, which SQLite treats as a new database),
 * `"sqlite"`, or `"other"` (a directory, or a file without the SQLite header).
 */
export function sqliteFileKind(path: string): "missing" | "empty" | "sqlite" | "other" {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "missing";
    throw new OpenLogsDatabaseError(path, error);
  }
  if (!info.isFile) return "other";
  if (info.size === 0) return "empty";
  if (info.size < SQLITE_HEADER.length) return "other";
  const header = new Uint8Array(SQLITE_HEADER.length);
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (error) {
    throw new OpenLogsDatabaseError(path, error);
  }
  try {
    let read = 0;
    while (read < header.length) {
      const n = file.readSync(header.subarray(read));
      if (n === null) break;
      read += n;
    }
  } finally {
    file.close();
  }
  return header.every((byte, i) => byte === SQLITE_HEADER[i]) ? "sqlite" : "other";
}

function isPermissionError(error: unknown): boolean {
  return error instanceof Deno.errors.PermissionDenied ||
    (error instanceof Error && /EPERM|EACCES|EROFS|read-only file system/i.test(error.message));
}

/** Whether the file (when it exists) and its directory can be written; probes only after a failure. */
function canWrite(path: string): boolean {
  try {
    try {
      Deno.openSync(path, { write: true }).close();
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const probe = joinPath(dirnamePath(path), `.llm-write-probe-${crypto.randomUUID()}`);
    Deno.openSync(probe, { write: true, createNew: true }).close();
    Deno.removeSync(probe);
    return true;
  } catch (error) {
    if (isPermissionError(error)) return false;
    return true;
  }
}

/** Whether a node:sqlite error says the database could not be written or the file not opened. */
function sqliteAccessFailure(error: unknown): "readonly" | "cantopen" | undefined {
  const message = error instanceof Error ? error.message : "";
  if (/attempt to write a readonly database|readonly database/i.test(message)) return "readonly";
  if (/unable to open database file/i.test(message)) return "cantopen";
  return undefined;
}

function wrapError(path: string, error: unknown, writing: boolean): LogsDatabaseError {
  if (error instanceof LogsDatabaseError) return error;
  const failure = sqliteAccessFailure(error);
  if (writing && (failure !== undefined || isPermissionError(error))) {
    if (failure === "readonly" || !canWrite(path)) return new ReadOnlyDatabaseError(path, error);
  }
  return new OpenLogsDatabaseError(path, error);
}

function connect(path: string, readOnly: boolean): DatabaseSync {
  // Python's sqlite3 leaves foreign key enforcement off; node:sqlite turns it on unless told otherwise.
  const db = new (sqlite().DatabaseSync)(path, { readOnly, enableForeignKeyConstraints: false });
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

/** Blocks the thread for `ms` milliseconds (a busy wait's pause between tries). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Switches the database to WAL journaling, once. The switch needs the database to itself, and SQLite answers
 * "database is locked" at once, without waiting for the busy timeout, when other new connections are doing
 * the same (seen with 8 processes opening a new file together): so it is retried, with a random pause, for
 * up to {@link BUSY_TIMEOUT_MS}.
 */
function enableWal(db: DatabaseSync): void {
  const mode = db.prepare("PRAGMA journal_mode").get() as { journal_mode?: string } | undefined;
  if (mode?.journal_mode === "wal") return;
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  while (true) {
    try {
      db.exec("PRAGMA journal_mode = WAL");
      return;
    } catch (error) {
      const busy = /database is locked|SQLITE_BUSY/i.test(String((error as Error)?.message ?? error));
      if (!busy || Date.now() > deadline) throw error;
      sleepSync(5 + Math.random() * 20);
    }
  }
}

/**
 * Throws {@link ReadOnlyDatabaseError} when the existing file at `path` cannot be opened for writing: SQLite
 * would open it read-only without a word, and the first write (after the request was sent) would fail.
 */
function checkFileWritable(path: string): void {
  try {
    Deno.openSync(path, { write: true }).close();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    if (isPermissionError(error)) throw new ReadOnlyDatabaseError(path, error);
    throw new OpenLogsDatabaseError(path, error);
  }
}

function openForWriting(path: string): DatabaseSync {
  checkFileWritable(path);
  const db = connect(path, false);
  try {
    enableWal(db);
    // A newer llm's schema is its own: our older steps are never run over it.
    if (unknownMigrations(db).length === 0) migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function openForReading(path: string): DatabaseSync {
  let db = connect(path, true);
  try {
    // A newer llm's database is read as it is: the queries use what they understand.
    if (unknownMigrations(db).length || pendingMigrations(db).length === 0) return db;
  } catch (error) {
    db.close();
    throw error;
  }
  // An older schema: upgrade it with a writable connection, then read through a read-only one.
  db.close();
  try {
    openForWriting(path).close();
  } catch (error) {
    throw wrapError(path, error, true);
  }
  db = connect(path, true);
  return db;
}

/**
 * Opens the logs database at `path` and brings its schema up to date.
 *
 * Before anything touches the file it is checked to be SQLite; a file that is not is never modified.
 * Writable connections use WAL journaling and wait up to {@link BUSY_TIMEOUT_MS} for locks; foreign key
 * enforcement is left off, as Python llm leaves it. With `readonly`, nothing is created or written,
 * except that a database from an older llm is migrated first (which needs write access). A database a newer
 * llm has migrated (unknown names in `_llm_migrations`) is opened without migrating it, as Python llm 0.32
 * opens one: check `schemaMisfit(db)` before writing to it.
 *
 * @throws {NotSQLiteError} the path is a directory or a file that is not SQLite.
 * @throws {MissingLogsDatabaseError} the file does not exist and `readonly` or `create: false` was given.
 * @throws {ReadOnlyDatabaseError} the database must be written but the file or directory is read-only.
 * @throws {OpenLogsDatabaseError} any other failure to open or migrate it.
 *
 * @example
 * ```ts
 * import { logsDbPath, openLogsDb } from "./db.ts";
 * const db = openLogsDb(logsDbPath());
 * console.log(db.prepare("select count(*) as n from turns").get());
 * db.close();
 * ```
 */
export function openLogsDb(path: string, opts: OpenLogsDbOptions = {}): DatabaseSync {
  const readonly = opts.readonly ?? false;
  const create = !readonly && (opts.create ?? true);
  const kind = sqliteFileKind(path);
  if (kind === "other") throw new NotSQLiteError(path);
  if (kind === "missing") {
    if (!create) throw new MissingLogsDatabaseError(path);
    try {
      Deno.mkdirSync(dirnamePath(path), { recursive: true });
    } catch (error) {
      throw isPermissionError(error)
        ? new ReadOnlyDatabaseError(path, error)
        : new OpenLogsDatabaseError(path, error);
    }
  }
  if (readonly && kind === "empty") throw new MissingLogsDatabaseError(path);
  try {
    return readonly ? openForReading(path) : openForWriting(path);
  } catch (error) {
    throw wrapError(path, error, !readonly);
  }
}
