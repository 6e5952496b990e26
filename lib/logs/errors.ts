/**
 * Errors raised while opening or migrating the logs database (`logs.db`).
 *
 * Every error names the file it is about and says what the user can do next.
 *
 * @module
 */
import { LlmError } from "../errors.ts";

/** Base class of every error about the logs database. `path` is the file it concerns. */
export class LogsDatabaseError extends LlmError {
  /** The path of the database file the error is about. */
  readonly path: string;

  /** Creates the error; `message` should name the path and what to do about it. */
  constructor(path: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.path = path;
  }
}

/** The file exists but is not an SQLite database; it was left untouched. */
export class NotSQLiteError extends LogsDatabaseError {
  /** Creates the error for the file at `path`. */
  constructor(path: string) {
    super(
      path,
      `'${path}' is not an SQLite database, so it was not opened or changed. ` +
        "Move it aside or pass a different path with -d/--database",
    );
  }
}

/** The database (or the directory it lives in) cannot be written to. */
export class ReadOnlyDatabaseError extends LogsDatabaseError {
  /** Creates the error for the file at `path`; `cause` is the underlying failure. */
  constructor(path: string, cause?: unknown) {
    super(
      path,
      `Cannot write to the logs database '${path}': the file or its directory is read-only. ` +
        "Fix its permissions, or run with --no-log to skip logging",
      { cause },
    );
  }
}

/**
 * The database was migrated by a newer version of llm: `_llm_migrations` lists migrations this
 * version does not know, so `migrate()` cannot bring it to this version's schema. The database was not
 * modified. (Opening such a database is not refused: see `openLogsDb` and `schemaMisfit`.)
 */
export class NewerSchemaError extends LogsDatabaseError {
  /** The migration names found in the database that this version does not know, in order applied. */
  readonly unknownMigrations: readonly string[];

  /** Creates the error for the file at `path` and the unknown migration names it holds. */
  constructor(path: string, unknownMigrations: readonly string[]) {
    super(
      path,
      `The logs database '${path}' was upgraded by a newer version of llm ` +
        `(unknown migrations: ${unknownMigrations.join(", ")}), so it was left unchanged. ` +
        "Upgrade this tool, or pass a different path with -d/--database",
    );
    this.unknownMigrations = [...unknownMigrations];
  }
}

/**
 * A turn was not logged because a newer llm has changed the database (its `_llm_migrations` lists steps this
 * version does not know) in a way the rows this version writes do not fit. The database was not changed.
 */
export class LogsSchemaMismatchError extends LogsDatabaseError {
  /** The migration names found in the database that this version does not know, in order applied. */
  readonly unknownMigrations: readonly string[];
  /** What does not fit, e.g. `its turns table has no 'model' column`. */
  readonly misfit: string;

  /** Creates the error for the file at `path`, its unknown migrations and what does not fit. */
  constructor(path: string, unknownMigrations: readonly string[], misfit: string, options?: ErrorOptions) {
    super(
      path,
      `Not logged: the logs database '${path}' was upgraded by a newer version of llm ` +
        `(unknown migrations: ${unknownMigrations.join(", ")}) and ${misfit}. ` +
        "Upgrade this tool to log there, or pass a different path with -d/--database",
      options,
    );
    this.unknownMigrations = [...unknownMigrations];
    this.misfit = misfit;
  }
}

/**
 * Reading a database that a newer llm has migrated failed: the newer schema changed something this version
 * reads (tables and columns added by it are not a problem).
 */
export class NewerSchemaReadError extends LogsDatabaseError {
  /** The migration names found in the database that this version does not know, in order applied. */
  readonly unknownMigrations: readonly string[];

  /** Creates the error for the file at `path`, its unknown migrations and the failure (`cause`). */
  constructor(path: string, unknownMigrations: readonly string[], cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      path,
      `Could not read the logs database '${path}', which a newer version of llm upgraded ` +
        `(unknown migrations: ${unknownMigrations.join(", ")}): ${detail}. Upgrade this tool to read it`,
      { cause },
    );
    this.unknownMigrations = [...unknownMigrations];
  }
}

/** The database file could not be opened or migrated for another reason (corrupt, locked too long, ...). */
export class OpenLogsDatabaseError extends LogsDatabaseError {
  /** Creates the error for the file at `path`; `cause` is the underlying failure. */
  constructor(path: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      path,
      `Could not open the logs database '${path}': ${detail}. ` +
        "Check that the file is not corrupt and that no other process holds it locked",
      { cause },
    );
  }
}

/** There is no database at the path, and the caller asked not to create one. */
export class MissingLogsDatabaseError extends LogsDatabaseError {
  /** Creates the error for the missing file at `path`. */
  constructor(path: string) {
    super(path, `No log database found at '${path}'. Run a prompt with logging on to create it`);
  }
}
