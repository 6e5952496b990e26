/**
 * Schema operations for the logs database that write the same SQL text into `sqlite_master` as the
 * `sqlite-utils` library used by Python llm: table creation, `ADD COLUMN`, indexes, FTS5 tables and the
 * "transform" (rebuild a table with a new shape, keeping its rows and rowids).
 *
 * Matching the text matters: Python llm compares FTS definitions textually, and tests compare our
 * schema with one recorded from Python llm 0.32.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** A column type as sqlite-utils writes it. */
export type ColumnType = "TEXT" | "INTEGER" | "BLOB" | "REAL" | "FLOAT" | "ANY";

/** A single-column foreign key: `column` references `table`(`otherColumn`). */
export interface ForeignKeySpec {
  readonly column: string;
  readonly table: string;
  readonly otherColumn: string;
  readonly onUpdate?: string;
  readonly onDelete?: string;
}

/** Options of {@link createTableSql}. */
export interface CreateTableOptions {
  /** One column name, several for a compound key, or none for a rowid table. */
  readonly pk?: string | readonly string[];
  readonly foreignKeys?: readonly ForeignKeySpec[];
  readonly notNull?: ReadonlySet<string>;
  /** Default values as SQL expressions, written verbatim. */
  readonly defaults?: ReadonlyMap<string, string>;
}

/** Quotes an SQL identifier with double quotes, as sqlite-utils does. */
export function quoteId(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Whether a table (or virtual table) called `name` exists. */
export function tableExists(db: DatabaseSync, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** The column names of a table, in order. */
export function columnNames(db: DatabaseSync, table: string): string[] {
  const rows = db.prepare(`PRAGMA table_info(${quoteId(table)})`).all() as { name: string }[];
  return rows.map((r) => r.name);
}

function actionsSql(fk: ForeignKeySpec): string {
  let sql = "";
  if (fk.onUpdate && fk.onUpdate !== "NO ACTION") sql += ` ON UPDATE ${fk.onUpdate}`;
  if (fk.onDelete && fk.onDelete !== "NO ACTION") sql += ` ON DELETE ${fk.onDelete}`;
  return sql;
}

/** The `CREATE TABLE` statement sqlite-utils would write for these columns, key and foreign keys. */
export function createTableSql(
  name: string,
  columns: ReadonlyArray<readonly [string, ColumnType]>,
  options: CreateTableOptions = {},
): string {
  const pk = options.pk ?? [];
  const singlePk = typeof pk === "string" ? pk : pk.length === 1 ? pk[0] : undefined;
  const items = [...columns];
  if (singlePk !== undefined && !items.some(([c]) => c === singlePk)) items.unshift([singlePk, "INTEGER"]);
  const fkByColumn = new Map((options.foreignKeys ?? []).map((fk) => [fk.column, fk]));
  const defs = items.map(([column, type]) => {
    const extras: string[] = [];
    if (column === singlePk) extras.push("PRIMARY KEY");
    if (options.notNull?.has(column)) extras.push("NOT NULL");
    const dflt = options.defaults?.get(column);
    if (dflt !== undefined) extras.push(`DEFAULT ${dflt}`);
    const fk = fkByColumn.get(column);
    if (fk) extras.push(`REFERENCES ${quoteId(fk.table)}(${quoteId(fk.otherColumn)})${actionsSql(fk)}`);
    return `   ${quoteId(column)} ${type}${extras.length ? " " + extras.join(" ") : ""}`;
  });
  const compound = singlePk === undefined && typeof pk !== "string" && pk.length > 1
    ? `,\n   PRIMARY KEY (${pk.map(quoteId).join(", ")})`
    : "";
  return `CREATE TABLE ${quoteId(name)} (\n${defs.join(",\n")}${compound}\n)`;
}

/** Creates a table with {@link createTableSql}. */
export function createTable(
  db: DatabaseSync,
  name: string,
  columns: ReadonlyArray<readonly [string, ColumnType]>,
  options: CreateTableOptions = {},
): void {
  db.exec(createTableSql(name, columns, options));
}

/** Creates the index `idx_<table>_<columns>` the way sqlite-utils names and writes it. */
export function createIndex(
  db: DatabaseSync,
  table: string,
  columns: readonly string[],
  options: { unique?: boolean } = {},
): void {
  const name = `idx_${table.replaceAll(" ", "_")}_${columns.join("_")}`;
  db.exec(
    `CREATE ${options.unique ? "UNIQUE " : ""}INDEX ${quoteId(name)}\n    ON ${quoteId(table)} (${
      columns.map(quoteId).join(", ")
    })`,
  );
}

/** Column information read back from an existing table. */
interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

/** Maps a declared type to the type sqlite-utils writes back for it (its affinity rules). */
function normaliseType(declared: string): ColumnType {
  const t = declared.toUpperCase().trim();
  if (t === "") return "TEXT";
  if (t.includes("INT")) return "INTEGER";
  if (t.includes("CHAR") || t.includes("CLOB") || t.includes("TEXT")) return "TEXT";
  if (t.includes("BLOB")) return "BLOB";
  if (t === "ANY") return "ANY";
  return "REAL";
}

/** What {@link transformTable} changes. Names refer to the columns before renaming unless noted. */
export interface TransformOptions {
  readonly types?: Readonly<Record<string, ColumnType>>;
  readonly rename?: Readonly<Record<string, string>>;
  readonly drop?: readonly string[];
  /** The new primary key; leave out to keep the current one. */
  readonly pk?: string | readonly string[];
  /** Columns whose foreign keys are removed. */
  readonly dropForeignKeys?: readonly string[];
  readonly addForeignKeys?: readonly ForeignKeySpec[];
  /** Column names (after renaming) to put first, in this order; the rest keep their order. */
  readonly columnOrder?: readonly string[];
}

/**
 * Rebuilds `table` with a new shape, as sqlite-utils' `Table.transform()` does: creates
 * `<table>_new_<hex>`, copies every row (rowid included), drops the old table, renames the new one into
 * place and re-creates the table's explicit indexes. Triggers on the old table go with it.
 * Must run inside the caller's transaction.
 */
export function transformTable(db: DatabaseSync, table: string, options: TransformOptions = {}): void {
  const rename = options.rename ?? {};
  const drop = new Set(options.drop ?? []);
  const info = db.prepare(`PRAGMA table_info(${quoteId(table)})`).all() as unknown as ColumnInfo[];
  const existing = new Set(info.map((c) => c.name));
  const newName = (c: string): string => (existing.has(c) && rename[c]) || c;

  const columns: Array<[string, ColumnType]> = [];
  const copyFrom: string[] = [];
  const copyTo: string[] = [];
  const numericFromText = new Set<string>();
  for (const col of info) {
    if (drop.has(col.name)) continue;
    const before = normaliseType(col.type);
    const after = options.types?.[col.name] ?? before;
    if (before === "TEXT" && (after === "INTEGER" || after === "REAL" || after === "FLOAT")) {
      numericFromText.add(col.name);
    }
    columns.push([newName(col.name), after]);
    copyFrom.push(col.name);
    copyTo.push(newName(col.name));
  }
  if (!copyTo.includes("rowid")) {
    copyFrom.unshift("rowid");
    copyTo.unshift("rowid");
  }
  if (options.columnOrder) {
    const order = options.columnOrder;
    const key = (c: string): number => (order.includes(c) ? order.indexOf(c) : 999);
    columns.sort((a, b) => key(a[0]) - key(b[0]));
  }

  const currentPk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => newName(c.name));
  const pk = options.pk ?? currentPk;

  const dropFks = new Set(options.dropForeignKeys ?? []);
  const fkRows = db.prepare(`PRAGMA foreign_key_list(${quoteId(table)})`).all() as Array<
    { table: string; from: string; to: string | null; on_update: string; on_delete: string }
  >;
  const foreignKeys: ForeignKeySpec[] = fkRows
    .filter((fk) => !dropFks.has(fk.from) && !drop.has(fk.from))
    .map((fk) => ({
      column: newName(fk.from),
      table: fk.table,
      otherColumn: fk.to ?? "rowid",
      onUpdate: fk.on_update,
      onDelete: fk.on_delete,
    }));
  foreignKeys.push(...(options.addForeignKeys ?? []).map((fk) => ({ ...fk, column: newName(fk.column) })));

  const notNull = new Set(info.filter((c) => c.notnull && !drop.has(c.name)).map((c) => newName(c.name)));
  const defaults = new Map(
    info.filter((c) => c.dflt_value !== null && !drop.has(c.name)).map((
      c,
    ) => [newName(c.name), c.dflt_value!]),
  );

  const indexes = db.prepare(
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
  ).all(table) as Array<{ name: string; sql: string }>;

  const tmp = `${table}_new_${randomHex(6)}`;
  db.exec(createTableSql(tmp, columns, { pk, foreignKeys, notNull, defaults }));
  const selectList = copyFrom.map((c) => numericFromText.has(c) ? `NULLIF(${quoteId(c)}, '')` : quoteId(c));
  db.exec(
    `INSERT INTO ${quoteId(tmp)} (${copyTo.map(quoteId).join(", ")})\n   SELECT ${
      selectList.join(", ")
    } FROM ${quoteId(table)};`,
  );
  db.exec(`DROP TABLE ${quoteId(table)};`);
  const legacy = (db.prepare("PRAGMA legacy_alter_table").get() as { legacy_alter_table: number })
    .legacy_alter_table;
  db.exec("PRAGMA legacy_alter_table=ON;");
  db.exec(`ALTER TABLE ${quoteId(tmp)} RENAME TO ${quoteId(table)};`);
  db.exec(`PRAGMA legacy_alter_table=${legacy ? "ON" : "OFF"};`);
  for (const index of indexes) db.exec(index.sql);
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}

/** Adds a column with `ALTER TABLE`; with `fk`, then rebuilds the table to add the foreign key. */
export function addColumn(
  db: DatabaseSync,
  table: string,
  column: string,
  type: ColumnType,
  fk?: { table: string; otherColumn: string },
): void {
  db.exec(`ALTER TABLE ${quoteId(table)} ADD COLUMN ${quoteId(column)} ${type};`);
  if (fk) transformTable(db, table, { addForeignKeys: [{ column, ...fk }] });
}

/**
 * Creates the FTS5 table `<table>_fts` over `columns` (external content), fills it and adds the
 * `<table>_ai/_ad/_au` triggers that keep it current. With `replace`, an existing index whose definition
 * or triggers differ is dropped and built again; an identical one is left alone.
 */
export function enableFts(
  db: DatabaseSync,
  table: string,
  columns: readonly string[],
  options: { replace?: boolean } = {},
): void {
  const fts = `${table}_fts`;
  const cols = columns.map(quoteId).join(", ");
  const createSql = `CREATE VIRTUAL TABLE ${quoteId(fts)} USING FTS5 (\n    ${cols},\n    content=${
    quoteId(table)
  }\n)`;
  if (options.replace && tableExists(db, fts)) {
    const current = db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").get(fts) as { sql: string };
    const triggers = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?").all(
        table,
      ) as Array<
        { name: string }
      >).map((r) => r.name),
    );
    const hasTriggers = ["_ai", "_ad", "_au"].every((s) => triggers.has(table + s));
    if (current.sql === createSql && hasTriggers) return;
    db.exec(`DROP TABLE ${quoteId(fts)}`);
    for (const suffix of ["_ai", "_ad", "_au"]) db.exec(`DROP TRIGGER IF EXISTS ${quoteId(table + suffix)}`);
  }
  db.exec(createSql);
  db.exec(`INSERT INTO ${quoteId(fts)} (rowid, ${cols})\n    SELECT rowid, ${cols} FROM ${quoteId(table)};`);
  const oldCols = columns.map((c) => `old.${quoteId(c)}`).join(", ");
  const newCols = columns.map((c) => `new.${quoteId(c)}`).join(", ");
  const t = quoteId(table);
  const f = quoteId(fts);
  const insertNew = `INSERT INTO ${f} (rowid, ${cols}) VALUES (new.rowid, ${newCols});`;
  const deleteOld = `INSERT INTO ${f} (${f}, rowid, ${cols}) VALUES('delete', old.rowid, ${oldCols});`;
  db.exec(`CREATE TRIGGER ${quoteId(table + "_ai")} AFTER INSERT ON ${t} BEGIN\n  ${insertNew}\nEND;`);
  db.exec(`CREATE TRIGGER ${quoteId(table + "_ad")} AFTER DELETE ON ${t} BEGIN\n  ${deleteOld}\nEND;`);
  db.exec(
    `CREATE TRIGGER ${
      quoteId(table + "_au")
    } AFTER UPDATE ON ${t} BEGIN\n  ${deleteOld}\n  ${insertNew}\nEND;`,
  );
}
