/**
 * Errors of the embeddings feature: unknown models, missing collections and IDs, inputs a model cannot
 * embed, a batch run that stopped part-way, and embeddings.db files that cannot be used. Each message says
 * what failed, names the value, and says what to do.
 * @module
 */
import { LlmError } from "../models/errors.ts";

function quoteList(names: string[]): string {
  const quoted = names.map((s) => `'${s}'`);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}` : quoted[0];
}

/** No embedding model has this id or alias. */
export class UnknownEmbeddingModelError extends LlmError {
  /** The name asked for. */
  readonly model: string;
  /** Close ids or aliases. */
  readonly suggestions: string[];
  /** Creates the error for `model`, naming close matches. */
  constructor(model: string, suggestions: string[] = []) {
    const hint = suggestions.length ? ` Did you mean ${quoteList(suggestions)}?` : "";
    super(`Unknown embedding model '${model}'.${hint} Run 'llm embed-models' to list embedding models`);
    this.model = model;
    this.suggestions = suggestions;
  }
}

/** No model was named and no default embedding model is set. */
export class NoDefaultEmbeddingModelError extends LlmError {
  /** Creates the error. */
  constructor() {
    super(
      "You need to specify an embedding model (no default model is set): pass -m MODEL, set " +
        "LLM_EMBEDDING_MODEL, or run 'llm embed-models default MODEL'",
    );
  }
}

/** The collection does not exist in the database. */
export class CollectionNotFoundError extends LlmError {
  /** The collection's name. */
  readonly collection: string;
  /** Creates the error for `collection`. */
  constructor(collection: string) {
    super(`Collection '${collection}' does not exist. Run 'llm collections' to list collections`);
    this.collection = collection;
  }
}

/** A collection has no item with this ID. */
export class EmbeddingIdNotFoundError extends LlmError {
  /** The collection's name. */
  readonly collection: string;
  /** The ID asked for. */
  readonly id: string;
  /** Creates the error for `id` in `collection`. */
  constructor(collection: string, id: string) {
    super(`ID '${id}' not found in collection '${collection}'; check the ID, or search by content with -c`);
    this.collection = collection;
    this.id = id;
  }
}

/** The collection was created with one embedding model and another was asked for. */
export class CollectionModelMismatchError extends LlmError {
  /** The collection's name. */
  readonly collection: string;
  /** The model the collection uses. */
  readonly collectionModel: string;
  /** The model asked for. */
  readonly requested: string;
  /** Creates the error. */
  constructor(collection: string, collectionModel: string, requested: string) {
    super(
      `Collection '${collection}' was created with embedding model '${collectionModel}', not '${requested}': ` +
        "vectors of different models cannot be compared. Leave out -m, or use another collection name",
    );
    this.collection = collection;
    this.collectionModel = collectionModel;
    this.requested = requested;
  }
}

/** A model was given input it cannot embed (bytes to a text-only model, or text to a binary-only one). */
export class UnsupportedEmbeddingInputError extends LlmError {
  /** The model's id. */
  readonly model: string;
  /** Creates the error. */
  constructor(model: string, kind: "binary" | "text") {
    super(
      kind === "binary"
        ? `Embedding model '${model}' does not support binary data, only text strings; pick a model that does`
        : `Embedding model '${model}' does not support text strings, only binary data; pick a model that does`,
    );
    this.model = model;
  }
}

/**
 * A batch run stopped part-way: `stored` items were stored before it (they stay stored), the rest were not.
 * Embedding the same items again skips the stored ones, so a second run resumes where this one stopped.
 */
export class EmbedMultiError extends LlmError {
  /** Items stored (or found unchanged) before the failure. */
  readonly stored: number;
  /** Creates the error; `cause` is the failure. */
  constructor(stored: number, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      `Embedding stopped after ${stored} item${stored === 1 ? "" : "s"} (those are stored): ${detail}. ` +
        "Embedding the same items again skips those already stored",
      { cause },
    );
    this.stored = stored;
    this.exitCode = (cause as { exitCode?: number } | null)?.exitCode ?? 1;
  }
}

/** Base class of the errors about an embeddings database file. */
export class EmbeddingsDatabaseError extends LlmError {
  /** The database file. */
  readonly path: string;
  /** Creates the error. */
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
  }
}

/** The file is not an SQLite database (or is damaged); it was not changed. */
export class NotAnEmbeddingsDatabaseError extends EmbeddingsDatabaseError {
  /** Creates the error for `path`; `detail` says what SQLite reported, if anything. */
  constructor(path: string, detail?: string, options?: { cause?: unknown }) {
    super(
      path,
      `'${path}' is not a usable SQLite database${detail ? ` (${detail})` : ""}, so it was not changed. ` +
        "Restore it from a backup, move it aside, or pass another file with -d/--database",
      options,
    );
  }
}

/** The database has no embeddings (or collections) table: it was not written by llm. */
export class NoEmbeddingsTableError extends EmbeddingsDatabaseError {
  /** Creates the error; `table` is the missing table. */
  constructor(path: string, table: "embeddings" | "collections") {
    super(
      path,
      `No ${table} table found in ${path}; store something with 'llm embed' or 'llm embed-multi' first, ` +
        "or pass the right file with -d/--database",
    );
  }
}

/** The database was migrated by a newer llm: it lists migrations this version does not know. */
export class NewerEmbeddingsSchemaError extends EmbeddingsDatabaseError {
  /** The unknown migration names. */
  readonly unknownMigrations: string[];
  /** Creates the error. */
  constructor(path: string, unknownMigrations: string[]) {
    super(
      path,
      `The embeddings database '${path}' was upgraded by a newer version of llm (unknown migrations: ` +
        `${unknownMigrations.join(", ")}), so it was left unchanged. Upgrade this tool`,
    );
    this.unknownMigrations = unknownMigrations;
  }
}
