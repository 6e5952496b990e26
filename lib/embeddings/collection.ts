/**
 * `Collection`: a named set of embeddings in embeddings.db, all made by one embedding model, with the
 * methods of Python `llm`'s `Collection` (embed, embed many in batches, search by content, ID or vector,
 * count, delete). Content is keyed by its MD5 hash: an item whose stored hash matches is not embedded again.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { md5 } from "../compat/md5.ts";
import { parsePythonJson, pythonJsonDumps } from "../compat/python_json.ts";
import { decode, encode } from "./codec.ts";
import { openEmbeddingsDb, wrapDatabaseError } from "./db.ts";
import {
  asEmbeddingModel,
  type EmbeddingInput,
  type EmbeddingModel,
  type EmbeddingModelLike,
} from "./embedding_model.ts";
import {
  CollectionModelMismatchError,
  CollectionNotFoundError,
  EmbeddingIdNotFoundError,
  EmbedMultiError,
} from "./errors.ts";
import { getEmbeddingModel } from "./registry.ts";
import type { SearchEngine } from "./search.ts";
import { lazyImport } from "../lazy_import.ts";
import { loadSqlite } from "../deps/sqlite.ts";

/** Metadata stored with an item: a JSON object. */
export type Metadata = Record<string, unknown>;

/** A search result: an item's ID, its similarity score, and its stored content and metadata. */
export interface Entry {
  /** The item's ID. */
  id: string;
  /** Cosine similarity to what was searched for. */
  score: number;
  /** The stored text, when it was stored (`--store`). */
  content: string | null;
  /** The stored metadata. */
  metadata: Metadata | null;
}

/** Options of {@link Collection.open}. */
export interface CollectionOptions {
  /** The database: a path, an open connection (from `openEmbeddingsDb`), or none for one in memory. */
  db?: string | DatabaseSync;
  /** The model of a new collection (an existing one must use the same). */
  model?: EmbeddingModelLike;
  /** The model of a new collection, by id or alias (an existing one must use the same). */
  modelId?: string;
  /** Create the collection when it does not exist (default true). */
  create?: boolean;
}

/** Options of {@link Collection.embed}. */
export interface EmbedOptions {
  /** Metadata to store with the item. */
  metadata?: Metadata | null;
  /** Store the content itself (text in `content`, bytes in `content_blob`). */
  store?: boolean;
}

/** Options of {@link Collection.embedMulti}. */
export interface CollectionEmbedMultiOptions {
  /** Store the content itself. */
  store?: boolean;
  /** Items a batch takes (default 100, at most the model's batch size). */
  batchSize?: number;
  /** Called after each batch with the number of items handled so far (stored or found unchanged). */
  onProgress?: (done: number) => void;
}

/** Options of the `similar*` methods. */
export interface SimilarOptions {
  /** How many results (default 10). */
  number?: number;
  /** Only IDs starting with this. */
  prefix?: string;
  /** Which engine finds candidates (default `auto`: sqlite-vec, else a scan). */
  engine?: SearchEngine;
}

/** An item to embed: `[id, content]`, or `[id, content, metadata]`. */
export type CollectionItem = readonly [id: string, value: EmbeddingInput, metadata?: Metadata | null];

/** Items of a batch to write, with their hashes, and their vectors in the same order. */
interface Embedded {
  todo: { item: CollectionItem; hash: Uint8Array }[];
  vectors: number[][];
}

interface StoredHash {
  id: string;
  content_hash: Uint8Array;
}

const INSERT = `INSERT OR REPLACE INTO embeddings
  (collection_id, id, embedding, content, content_blob, content_hash, metadata, updated)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

function bytesEqual(a: Uint8Array | null | undefined, b: Uint8Array): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * A collection of embeddings.
 *
 * @example
 * ```ts ignore
 * import { Collection } from "../../mod.ts";
 * const docs = await Collection.open("docs", { db: "embeddings.db", modelId: "3-small" });
 * await docs.embed("cats", "Cats are furry", { store: true, metadata: { kind: "pet" } });
 * for (const entry of await docs.similar("furry animals", { number: 3 })) console.log(entry.id, entry.score);
 * ```
 */
export class Collection {
  /** The collection's name. */
  readonly name: string;
  /** Its row id in `collections`. */
  readonly id: number;
  /** The id of its embedding model. */
  readonly modelId: string;
  /** The database connection. */
  readonly db: DatabaseSync;
  /** The database file, `undefined` in memory. */
  readonly path: string | undefined;
  #model: EmbeddingModel | undefined;
  readonly #ownsDb: boolean;

  private constructor(
    init: {
      name: string;
      id: number;
      modelId: string;
      db: DatabaseSync;
      model?: EmbeddingModel;
      owns: boolean;
    },
  ) {
    this.name = init.name;
    this.id = init.id;
    this.modelId = init.modelId;
    this.db = init.db;
    this.path = init.db.location() ?? undefined;
    this.#model = init.model;
    this.#ownsDb = init.owns;
  }

  /**
   * The collection `name`, created (with `model` or `modelId`) when it does not exist.
   * @throws {CollectionNotFoundError} with `create: false` when it does not exist.
   * @throws {CollectionModelMismatchError} when it exists with another model than the one given.
   * @throws {NoDefaultEmbeddingModelError} when it must be created and no model is given or set as default.
   */
  static async open(name: string, options: CollectionOptions = {}): Promise<Collection> {
    await loadSqlite();
    const owns = typeof options.db !== "object";
    const db = typeof options.db === "object" ? options.db : openEmbeddingsDb(options.db ?? ":memory:");
    try {
      const row = db.prepare("SELECT id, model FROM collections WHERE name = ?").get(name) as
        | { id: number; model: string }
        | undefined;
      const wanted = options.model
        ? asEmbeddingModel(options.model)
        : options.modelId !== undefined
        ? await getEmbeddingModel(options.modelId)
        : undefined;
      if (row) {
        if (wanted && wanted.id !== row.model) {
          throw new CollectionModelMismatchError(name, row.model, wanted.id);
        }
        return new Collection({ name, id: row.id, modelId: row.model, db, model: wanted, owns });
      }
      if (options.create === false) throw new CollectionNotFoundError(name);
      const model = wanted ?? await getEmbeddingModel();
      const result = db.prepare("INSERT INTO collections (name, model) VALUES (?, ?)").run(name, model.id);
      return new Collection({ name, id: Number(result.lastInsertRowid), modelId: model.id, db, model, owns });
    } catch (error) {
      const path = db.location() ?? ":memory:";
      if (owns) db.close();
      throw wrapDatabaseError(path, error);
    }
  }

  /** Whether the collection `name` exists in `db` (a path or a connection). */
  static exists(db: string | DatabaseSync, name: string): boolean {
    const conn = typeof db === "object" ? db : openEmbeddingsDb(db);
    try {
      return conn.prepare("SELECT 1 FROM collections WHERE name = ?").get(name) !== undefined;
    } finally {
      if (conn !== db) conn.close();
    }
  }

  /** The MD5 digest content is keyed by (text as UTF-8), as Python `llm` computes it. */
  static contentHash(value: EmbeddingInput): Uint8Array {
    return md5(value);
  }

  /**
   * The collection's embedding model.
   * @throws {UnknownEmbeddingModelError} when no registered model has its id (a plugin is missing).
   */
  async model(): Promise<EmbeddingModel> {
    this.#model ??= await getEmbeddingModel(this.modelId);
    return this.#model;
  }

  /** The number of items in the collection. */
  count(): number {
    return Number(
      (this.db.prepare("SELECT count(*) AS c FROM embeddings WHERE collection_id = ?").get(this.id) as {
        c: number;
      }).c,
    );
  }

  /** The stored vector of item `id`, or `undefined`. */
  embeddingOf(id: string): number[] | undefined {
    const row = this.db.prepare("SELECT embedding FROM embeddings WHERE collection_id = ? AND id = ?")
      .get(this.id, id) as { embedding: Uint8Array | null } | undefined;
    return row?.embedding ? decode(row.embedding) : undefined;
  }

  /** Embeds `value` and stores it as `id`, unless `id` already holds the same content. */
  async embed(id: string, value: EmbeddingInput, options: EmbedOptions = {}): Promise<void> {
    const model = await this.model();
    try {
      await this.#storeBatch(model, [[id, value, options.metadata ?? null]], options.store ?? false);
    } catch (error) {
      throw wrapDatabaseError(this.path ?? ":memory:", error);
    }
  }

  /** Embeds many `[id, content]` items in batches; see {@link embedMultiWithMetadata}. */
  embedMulti(
    entries: Iterable<CollectionItem> | AsyncIterable<CollectionItem>,
    options: CollectionEmbedMultiOptions = {},
  ): Promise<number> {
    return this.embedMultiWithMetadata(entries, options);
  }

  /**
   * Embeds many `[id, content, metadata]` items, a batch at a time: each batch is one request to the model
   * and one transaction. Items whose ID already holds content with the same hash are skipped. Returns the
   * number of items handled.
   * @throws {EmbedMultiError} when a batch fails: the earlier batches stay stored, and the error says how many.
   */
  async embedMultiWithMetadata(
    entries: Iterable<CollectionItem> | AsyncIterable<CollectionItem>,
    options: CollectionEmbedMultiOptions = {},
  ): Promise<number> {
    const model = await this.model();
    const wanted = options.batchSize ?? 100;
    const size = Math.max(1, Math.min(wanted, model.batchSize ?? wanted));
    const store = options.store ?? false;
    let done = 0;
    let batch: CollectionItem[] = [];
    // While one batch is written, the request for the next is already on its way.
    let inFlight: { count: number; embedded: Promise<Embedded> } | undefined;
    const writeInFlight = async () => {
      if (!inFlight) return;
      const { count, embedded } = inFlight;
      inFlight = undefined;
      try {
        this.#write(await embedded, store);
      } catch (error) {
        throw new EmbedMultiError(done, wrapDatabaseError(this.path ?? ":memory:", error));
      }
      done += count;
      options.onProgress?.(done);
    };
    const send = async () => {
      const embedded = this.#embedPending(model, batch);
      embedded.catch(() => {}); // handled when it is written
      const next = { count: batch.length, embedded };
      batch = [];
      await writeInFlight();
      inFlight = next;
    };
    for await (const item of entries) {
      batch.push(item);
      if (batch.length >= size) await send();
    }
    if (batch.length) await send();
    await writeInFlight();
    return done;
  }

  async #storeBatch(model: EmbeddingModel, batch: CollectionItem[], store: boolean): Promise<void> {
    this.#write(await this.#embedPending(model, batch), store);
  }

  /** Embeds the items of `batch` whose ID does not already hold the same content hash. */
  async #embedPending(model: EmbeddingModel, batch: CollectionItem[]): Promise<Embedded> {
    const hashes = batch.map(([, value]) => Collection.contentHash(value));
    const stored = new Map<string, Uint8Array | null>();
    const lookup = this.db.prepare(
      `SELECT id, content_hash FROM embeddings WHERE collection_id = ? AND id IN (${
        batch.map(() => "?").join(",")
      })`,
    );
    for (const row of lookup.all(this.id, ...batch.map(([id]) => id)) as unknown as StoredHash[]) {
      stored.set(row.id, row.content_hash);
    }
    const todo = batch
      .map((item, i) => ({ item, hash: hashes[i] }))
      .filter(({ item, hash }) => !bytesEqual(stored.get(item[0]), hash));
    const vectors: number[][] = [];
    if (todo.length) {
      for await (const v of model.embedMulti(todo.map(({ item }) => item[1]), { batchSize: todo.length })) {
        vectors.push(v);
      }
    }
    return { todo, vectors };
  }

  /** Writes embedded items in one transaction. */
  #write({ todo, vectors }: Embedded, store: boolean): void {
    if (!todo.length) return;
    const now = Math.floor(Date.now() / 1000);
    const insert = this.db.prepare(INSERT);
    this.db.exec("BEGIN");
    try {
      todo.forEach(({ item: [id, value, metadata], hash }, i) => {
        insert.run(
          this.id,
          id,
          encode(vectors[i]),
          store && typeof value === "string" ? value : null,
          store && typeof value !== "string" ? value : null,
          hash,
          metadata && Object.keys(metadata).length ? pythonJsonDumps(metadata) : null,
          now,
        );
      });
      this.db.exec("COMMIT");
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
  }

  /** The items most similar to `value`, which is embedded with the collection's model. */
  async similar(value: EmbeddingInput, options: SimilarOptions = {}): Promise<Entry[]> {
    const vector = await (await this.model()).embed(value);
    return await this.similarByVector(vector, options);
  }

  /**
   * The items most similar to item `id` (which is left out of the results).
   * @throws {EmbeddingIdNotFoundError} when the collection has no such item.
   */
  async similarById(id: string, options: SimilarOptions = {}): Promise<Entry[]> {
    const vector = this.embeddingOf(id);
    if (!vector) throw new EmbeddingIdNotFoundError(this.name, id);
    return await this.similarByVector(vector, { ...options, skipId: id });
  }

  /** The items most similar to `vector`, best first; `skipId` leaves one item out. */
  async similarByVector(
    vector: ArrayLike<number>,
    options: SimilarOptions & { skipId?: string } = {},
  ): Promise<Entry[]> {
    const { searchSimilar } = await lazyImport<typeof import("./search.ts")>("./search.ts", import.meta.url);
    const { hits } = await searchSimilar(this.db, this.path, {
      collectionId: this.id,
      vector,
      number: options.number ?? 10,
      skipId: options.skipId,
      prefix: options.prefix,
    }, options.engine);
    const select = this.db.prepare("SELECT content, metadata FROM embeddings WHERE rowid = ?");
    return hits.map(({ rowid, id, score }) => {
      const row = select.get(rowid) as { content: string | null; metadata: string | null } | undefined;
      const metadata = row?.metadata ? parsePythonJson(row.metadata) as Metadata : null;
      return { id, score, content: row?.content ?? null, metadata };
    });
  }

  /** Deletes the collection and its embeddings. */
  delete(): void {
    this.db.exec("BEGIN");
    try {
      this.db.prepare("DELETE FROM embeddings WHERE collection_id = ?").run(this.id);
      this.db.prepare("DELETE FROM collections WHERE id = ?").run(this.id);
      this.db.exec("COMMIT");
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
  }

  /** Closes the database connection when the collection opened it (from a path). */
  close(): void {
    if (this.#ownsDb && this.db.isOpen) this.db.close();
  }
}
