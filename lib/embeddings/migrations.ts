/**
 * The embeddings.db schema of Python `llm` 0.32: tables `collections` and `embeddings`, built by the five
 * named migrations of the sqlite-utils migration set `llm.embeddings` and recorded in `_sqlite_migrations`,
 * so either tool opens what the other wrote. A new database gets the final tables at once (the same SQL
 * Python's steps end with); an older one (llm before 0.32, whose migration table had no `id` column, or one
 * still missing steps) is brought up to date step by step in one transaction.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { md5 } from "../compat/md5.ts";

/** The sqlite-utils migration set Python `llm` uses for embeddings.db. */
export const MIGRATION_SET = "llm.embeddings";

/** The migrations of that set, in order. */
export const MIGRATION_NAMES: readonly string[] = [
  "m001_create_tables",
  "m002_foreign_key",
  "m003_add_updated",
  "m004_store_content_hash",
  "m005_add_content_blob",
];

const MIGRATIONS_TABLE_SQL = `CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
)`;
const MIGRATIONS_INDEX_SQL = `CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name")`;
const COLLECTIONS_SQL = `CREATE TABLE "collections" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT,
   "model" TEXT
)`;
const COLLECTIONS_INDEX_SQL = `CREATE UNIQUE INDEX "idx_collections_name"
    ON "collections" ("name")`;
/** `embeddings` as Python's m005 leaves it; `{name}` is replaced for a rebuild. */
const EMBEDDINGS_SQL = `CREATE TABLE "{name}" (
   "collection_id" INTEGER REFERENCES "collections"("id"),
   "id" TEXT,
   "embedding" BLOB,
   "content" TEXT,
   "content_blob" BLOB,
   "content_hash" BLOB,
   "metadata" TEXT,
   "updated" INTEGER,
   PRIMARY KEY ("collection_id", "id")
)`;
const EMBEDDINGS_COLUMNS = [
  "collection_id",
  "id",
  "embedding",
  "content",
  "content_blob",
  "content_hash",
  "metadata",
  "updated",
];
const CONTENT_HASH_INDEX_SQL = `CREATE INDEX "idx_embeddings_content_hash"
    ON "embeddings" ("content_hash")`;

/** `datetime.now(timezone.utc)` as Python's `str()` writes it: `2024-01-02 03:04:05.678000+00:00`. */
function pythonUtcNow(): string {
  const iso = new Date().toISOString(); // 2024-01-02T03:04:05.678Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000+00:00`;
}

function tableExists(db: DatabaseSync, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function columns(db: DatabaseSync, table: string): string[] {
  return (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
}

/** The names of this set's migrations recorded in the database, in the order applied. */
export function appliedMigrations(db: DatabaseSync): string[] {
  if (!tableExists(db, "_sqlite_migrations")) return [];
  return (db.prepare("SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid")
    .all(MIGRATION_SET) as { name: string }[]).map((r) => r.name);
}

/** Migrations of this set that the database records but this version does not know (a newer llm). */
export function unknownMigrations(db: DatabaseSync): string[] {
  return appliedMigrations(db).filter((name) => !MIGRATION_NAMES.includes(name));
}

/** Whether the database needs a migration (or its migration table the `id` column sqlite-utils 4 adds). */
export function needsMigration(db: DatabaseSync): boolean {
  if (!tableExists(db, "_sqlite_migrations")) return true;
  const applied = new Set(appliedMigrations(db));
  return MIGRATION_NAMES.some((name) => !applied.has(name)) ||
    !columns(db, "_sqlite_migrations").includes("id");
}

/** Creates `_sqlite_migrations`, or gives the one of older llm versions (no `id`) sqlite-utils 4's shape. */
function ensureMigrationsTable(db: DatabaseSync): void {
  if (!tableExists(db, "_sqlite_migrations")) {
    db.exec(MIGRATIONS_TABLE_SQL);
    db.exec(MIGRATIONS_INDEX_SQL);
    return;
  }
  if (columns(db, "_sqlite_migrations").includes("id")) return;
  db.exec(MIGRATIONS_TABLE_SQL.replace('"_sqlite_migrations"', '"_sqlite_migrations_new"'));
  db.exec(
    `INSERT INTO "_sqlite_migrations_new" ("migration_set", "name", "applied_at")
     SELECT "migration_set", "name", "applied_at" FROM "_sqlite_migrations" ORDER BY rowid`,
  );
  db.exec(`DROP TABLE "_sqlite_migrations"`);
  db.exec(`ALTER TABLE "_sqlite_migrations_new" RENAME TO "_sqlite_migrations"`);
  db.exec(MIGRATIONS_INDEX_SQL);
}

/** Rebuilds `embeddings` with Python 0.32's final column order and foreign key, keeping every row. */
function rebuildEmbeddings(db: DatabaseSync): void {
  const have = new Set(columns(db, "embeddings"));
  const keep = EMBEDDINGS_COLUMNS.filter((c) => have.has(c)).map((c) => `"${c}"`).join(", ");
  db.exec(EMBEDDINGS_SQL.replace("{name}", "embeddings_new"));
  db.exec(`INSERT INTO "embeddings_new" (${keep}) SELECT ${keep} FROM "embeddings"`);
  db.exec(`DROP TABLE "embeddings"`);
  db.exec(`ALTER TABLE "embeddings_new" RENAME TO "embeddings"`);
}

/** The steps for a database that already has tables (Python's m002-m005, as data changes). */
const STEPS: Record<string, (db: DatabaseSync) => void> = {
  m001_create_tables(db) {
    if (!tableExists(db, "collections")) {
      db.exec(COLLECTIONS_SQL);
      db.exec(COLLECTIONS_INDEX_SQL);
    }
    if (!tableExists(db, "embeddings")) db.exec(EMBEDDINGS_SQL.replace("{name}", "embeddings"));
  },
  m002_foreign_key() {
    // The rebuild at the end adds the foreign key.
  },
  m003_add_updated(db) {
    if (!columns(db, "embeddings").includes("updated")) {
      db.exec(`ALTER TABLE embeddings ADD COLUMN updated INTEGER`);
    }
    db.prepare("UPDATE embeddings SET updated = ? WHERE updated IS NULL").run(Math.floor(Date.now() / 1000));
  },
  m004_store_content_hash(db) {
    if (!columns(db, "embeddings").includes("content_hash")) {
      db.exec(`ALTER TABLE embeddings ADD COLUMN content_hash BLOB`);
    }
    const update = db.prepare("UPDATE embeddings SET content_hash = ? WHERE rowid = ?");
    const rows = db.prepare("SELECT rowid AS r, content FROM embeddings WHERE content_hash IS NULL")
      .all() as {
        r: number;
        content: string | null;
      }[];
    // Content that was not stored gets a random hash, as in Python: it must never match new content.
    for (const { r, content } of rows) update.run(md5(content ?? crypto.randomUUID()), r);
  },
  m005_add_content_blob(db) {
    if (!columns(db, "embeddings").includes("content_blob")) {
      db.exec(`ALTER TABLE embeddings ADD COLUMN content_blob BLOB`);
    }
  },
};

/**
 * Applies every pending migration in one `BEGIN IMMEDIATE` transaction (re-reading what is applied once the
 * write lock is held, so two processes never apply one twice). Call {@link unknownMigrations} first.
 */
export function migrate(db: DatabaseSync): void {
  db.exec("BEGIN IMMEDIATE");
  try {
    const fresh = !tableExists(db, "collections") && !tableExists(db, "embeddings");
    ensureMigrationsTable(db);
    const applied = new Set(appliedMigrations(db));
    const pending = MIGRATION_NAMES.filter((name) => !applied.has(name));
    if (fresh) {
      db.exec(COLLECTIONS_SQL);
      db.exec(COLLECTIONS_INDEX_SQL);
      db.exec(EMBEDDINGS_SQL.replace("{name}", "embeddings"));
      db.exec(CONTENT_HASH_INDEX_SQL);
    } else if (pending.length) {
      for (const name of pending) STEPS[name](db);
      if (pending.some((name) => name !== "m001_create_tables")) {
        rebuildEmbeddings(db);
        db.exec(CONTENT_HASH_INDEX_SQL); // the old table's indexes went with it
      }
    }
    const record = db.prepare(
      `INSERT INTO "_sqlite_migrations" ("migration_set", "name", "applied_at") VALUES (?, ?, ?)`,
    );
    for (const name of pending) record.run(MIGRATION_SET, name, pythonUtcNow());
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}
