/**
 * The logs.db schema, built by the same 30 named migrations as Python llm 0.32 so that either tool can
 * open a database the other wrote. Applied migrations are recorded in
 * `_llm_migrations(name TEXT PRIMARY KEY, applied_at TEXT)`.
 *
 * Unlike Python llm, every pending migration runs in one `BEGIN IMMEDIATE` transaction and the applied
 * set is read again once the write lock is held, so several processes opening a new database at the same
 * moment never apply a migration twice.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { pythonDatetimeStr } from "../compat/isoformat.ts";
import { tableExists } from "./_schema_ops.ts";
import { MIGRATIONS } from "./migration_steps.ts";
import { NewerSchemaError } from "./errors.ts";

/** The names of every migration this version knows, in the order they are applied. */
export const MIGRATION_NAMES: readonly string[] = MIGRATIONS.map((m) => m.name);

const MIGRATIONS_TABLE_SQL = 'CREATE TABLE IF NOT EXISTS "_llm_migrations" (\n' +
  '   "name" TEXT PRIMARY KEY,\n   "applied_at" TEXT\n)';

/** The migration names recorded in the database, in the order they were applied (empty for a new db). */
export function appliedMigrations(db: DatabaseSync): string[] {
  if (!tableExists(db, "_llm_migrations")) return [];
  const rows = db.prepare("SELECT name FROM _llm_migrations ORDER BY rowid").all() as Array<{ name: string }>;
  return rows.map((r) => r.name);
}

/** Recorded migration names this version does not know: a newer llm has upgraded the database. */
export function unknownMigrations(db: DatabaseSync): string[] {
  const known = new Set(MIGRATION_NAMES);
  return appliedMigrations(db).filter((name) => !known.has(name));
}

/** The names of the migrations not yet applied to this database, in the order they will run. */
export function pendingMigrations(db: DatabaseSync): string[] {
  const applied = new Set(appliedMigrations(db));
  return MIGRATION_NAMES.filter((name) => !applied.has(name));
}

/** `applied_at` in the form Python's `str(datetime.now(timezone.utc))` writes. */
function appliedAtNow(): string {
  return pythonDatetimeStr(new Date());
}

function databaseLabel(db: DatabaseSync): string {
  return db.location() ?? ":memory:";
}

/**
 * Brings `db` up to the schema of Python llm 0.32, applying every pending migration in order inside
 * one `BEGIN IMMEDIATE` transaction (or a savepoint when the caller already has a transaction open).
 * Does nothing, and takes no write lock, when the database is already current.
 *
 * @throws {NewerSchemaError} when `_llm_migrations` names a migration this version does not know;
 *   the database is left unchanged.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { migrate } from "./migrations.ts";
 * const db = new DatabaseSync(":memory:");
 * migrate(db);
 * ```
 */
export function migrate(db: DatabaseSync): void {
  const unknownBefore = unknownMigrations(db);
  if (unknownBefore.length) throw new NewerSchemaError(databaseLabel(db), unknownBefore);
  if (pendingMigrations(db).length === 0) return;

  const nested = db.isTransaction;
  // Table rebuilds drop tables that others reference; as sqlite-utils does, keep foreign keys off meanwhile.
  const foreignKeysOn = !nested &&
    (db.prepare("PRAGMA foreign_keys").get() as { foreign_keys: number }).foreign_keys === 1;
  if (foreignKeysOn) db.exec("PRAGMA foreign_keys=OFF");
  db.exec(nested ? "SAVEPOINT llm_migrate" : "BEGIN IMMEDIATE");
  try {
    db.exec(MIGRATIONS_TABLE_SQL);
    // Another process may have migrated between our first look and taking the write lock.
    const unknown = unknownMigrations(db);
    if (unknown.length) throw new NewerSchemaError(databaseLabel(db), unknown);
    const applied = new Set(appliedMigrations(db));
    const record = db.prepare('INSERT INTO "_llm_migrations" ("name", "applied_at") VALUES (?, ?)');
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.name)) continue;
      migration.up(db);
      record.run(migration.name, appliedAtNow());
    }
    db.exec(nested ? "RELEASE llm_migrate" : "COMMIT");
  } catch (error) {
    db.exec(nested ? "ROLLBACK TO llm_migrate; RELEASE llm_migrate" : "ROLLBACK");
    throw error;
  } finally {
    if (foreignKeysOn) db.exec("PRAGMA foreign_keys=ON");
  }
}
