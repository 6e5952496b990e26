/**
 * `llm collections`: list the collections of embeddings.db with their models and sizes, delete one, or print
 * the database's path, with Python `llm` 0.32's output.
 * @module
 */
import "../../../deps/sqlite_ready.ts"; // node:sqlite loaded before this module opens a database
import { Collection } from "../../../embeddings/collection.ts";
import { embeddingsDbPath, openEmbeddingsDb } from "../../../embeddings/db.ts";
import { CollectionNotFoundError, NoEmbeddingsTableError } from "../../../embeddings/errors.ts";
import { pythonJsonDumps } from "../../../compat/python_json.ts";
import type { CommandContext } from "../../../commands/spec.ts";
import { databasePath } from "./_embed_shared.ts";

/** `llm collections path`: the default database's path (`-d`/`LLM_EMBEDDINGS_DB` do not apply, as in Python). */
export function collectionsPath(ctx: CommandContext): Promise<void> {
  ctx.io.stdout.write(embeddingsDbPath() + "\n");
  return Promise.resolve();
}

/** `llm collections list [--json]`. */
export function collectionsList(ctx: CommandContext): Promise<void> {
  const db = openEmbeddingsDb(databasePath(ctx), { require: "collections" });
  try {
    const rows = db.prepare(
      `SELECT collections.name, collections.model, count(embeddings.id) AS num_embeddings
       FROM collections LEFT JOIN embeddings ON collections.id = embeddings.collection_id
       GROUP BY collections.name, collections.model`,
    ).all() as { name: string; model: string; num_embeddings: number }[];
    if (ctx.values.json) {
      const list = rows.map((r) => ({
        name: r.name,
        model: r.model,
        num_embeddings: Number(r.num_embeddings),
      }));
      ctx.io.stdout.write(pythonJsonDumps(list, { indent: 4 }) + "\n");
      return Promise.resolve();
    }
    for (const { name, model, num_embeddings: n } of rows) {
      ctx.io.stdout.write(`${name}: ${model}\n  ${n} embedding${Number(n) === 1 ? "" : "s"}\n`);
    }
    return Promise.resolve();
  } finally {
    db.close();
  }
}

/** `llm collections delete COLLECTION`. */
export async function collectionsDelete(ctx: CommandContext): Promise<void> {
  const name = String(ctx.args.collection);
  let db;
  try {
    db = openEmbeddingsDb(databasePath(ctx), { require: "collections" });
  } catch (error) {
    if (error instanceof NoEmbeddingsTableError) throw new CollectionNotFoundError(name);
    throw error;
  }
  try {
    (await Collection.open(name, { db, create: false })).delete();
  } finally {
    db.close();
  }
}
