/**
 * `EmbeddingModel`: the class every embedding model extends (the built-in OpenAI ones and plugins' own).
 * Implement `embedBatch()`; `embed()` and `embedMulti()` (batched, streaming, checked input) come with it.
 * A plugin may register any object of the {@link EmbeddingModelLike} shape instead, such as one made with
 * another copy of this library: the registry wraps it.
 * @module
 */
import { getKey } from "../user/keys.ts";
import { ModelError, NeedsKeyError } from "../models/errors.ts";
import { UnsupportedEmbeddingInputError } from "./errors.ts";

/** What can be embedded: text, or bytes for models that take binary input (images, say). */
export type EmbeddingInput = string | Uint8Array;

/** One vector: plain numbers, or a typed array. */
export type Vector = ArrayLike<number>;

/**
 * The shape of an embedding model, as a plugin registers it: an id and a batch method; everything else is
 * optional. {@link EmbeddingModel} implements it.
 */
export interface EmbeddingModelLike {
  /** The model id, e.g. `text-embedding-3-small`. */
  readonly id: string;
  /** Embeds a batch of items: one vector per item, in order. */
  embedBatch(items: EmbeddingInput[]): Promise<Vector[]> | AsyncIterable<Vector>;
  /** How `llm embed-models` shows it (default `ClassName: id`). */
  readonly label?: string;
  /** Most items one call of `embedBatch` takes (default: no limit, all at once). */
  readonly batchSize?: number;
  /** Whether it embeds text (default true). */
  readonly supportsText?: boolean;
  /** Whether it embeds bytes (default false). */
  readonly supportsBinary?: boolean;
  /** The keys.json name of the key it needs. */
  readonly needsKey?: string;
  /** The environment variable that may hold its key. */
  readonly keyEnvVar?: string;
}

/** Settings of an {@link EmbeddingModel}; every field is optional. */
export interface EmbeddingModelSettings {
  /** Most items a batch takes. */
  batchSize?: number;
  /** Embeds text (default true). */
  supportsText?: boolean;
  /** Embeds bytes (default false). */
  supportsBinary?: boolean;
  /** The keys.json name of its key. */
  needsKey?: string;
  /** The environment variable of its key. */
  keyEnvVar?: string;
}

/** Options of {@link EmbeddingModel.embedMulti}. */
export interface EmbedMultiOptions {
  /** Items a batch takes (default: the model's `batchSize`, else all at once). */
  batchSize?: number;
}

/**
 * The base class of embedding models. Subclasses call `super(id, settings)` and implement `embedBatch()`.
 *
 * @example
 * ```ts
 * import { EmbeddingModel, type EmbeddingInput } from "../../mod.ts";
 * class Lengths extends EmbeddingModel {
 *   constructor() { super("lengths", { batchSize: 10 }); }
 *   override embedBatch(items: EmbeddingInput[]): Promise<number[][]> {
 *     return Promise.resolve(items.map((item) => [item.length, 1]));
 *   }
 * }
 * console.log(await new Lengths().embed("four")); // [4, 1]
 * ```
 */
export abstract class EmbeddingModel implements EmbeddingModelLike {
  /** The model id. */
  readonly id: string;
  /** Most items a batch takes (`undefined`: no limit). */
  batchSize?: number;
  /** Whether it embeds text. */
  supportsText: boolean;
  /** Whether it embeds bytes. */
  supportsBinary: boolean;
  /** The keys.json name of its key. */
  needsKey?: string;
  /** The environment variable of its key. */
  keyEnvVar?: string;
  /** A key set directly; beats keys.json and the environment. */
  key?: string;

  /** Creates a model with an id and its settings. */
  constructor(id: string, settings: EmbeddingModelSettings = {}) {
    this.id = id;
    this.batchSize = settings.batchSize;
    this.supportsText = settings.supportsText ?? true;
    this.supportsBinary = settings.supportsBinary ?? false;
    this.needsKey = settings.needsKey;
    this.keyEnvVar = settings.keyEnvVar;
  }

  /** Embeds a batch of items: one vector per item, in order. */
  abstract embedBatch(items: EmbeddingInput[]): Promise<Vector[]> | AsyncIterable<Vector>;

  /** How `llm embed-models` shows it, e.g. `OpenAIEmbeddingModel: text-embedding-3-small`. */
  get label(): string {
    return `${this.constructor.name}: ${this.id}`;
  }

  /** The label. */
  toString(): string {
    return this.label;
  }

  /**
   * The API key to use: `explicit` (or `model.key`), which may name a keys.json entry, then keys.json, then
   * the environment variable.
   * @throws {NeedsKeyError} when the model needs a key and none is set.
   */
  resolveKey(explicit?: string): string | undefined {
    const key = getKey({ explicit: explicit ?? this.key, alias: this.needsKey, envVar: this.keyEnvVar });
    if (!key && this.needsKey) throw new NeedsKeyError(this.needsKey, this.keyEnvVar);
    return key;
  }

  /**
   * Throws unless the model can embed `item`.
   * @throws {UnsupportedEmbeddingInputError} bytes for a text-only model, or text for a binary-only one.
   */
  checkInput(item: EmbeddingInput): void {
    if (typeof item === "string" ? !this.supportsText : !this.supportsBinary) {
      throw new UnsupportedEmbeddingInputError(this.id, typeof item === "string" ? "text" : "binary");
    }
  }

  /**
   * Embeds one text or byte string.
   *
   * @example
   * ```ts ignore
   * import { getEmbeddingModel } from "../../mod.ts";
   * const vector = await (await getEmbeddingModel("3-small")).embed("hello world");
   * ```
   */
  async embed(item: EmbeddingInput): Promise<number[]> {
    this.checkInput(item);
    for await (const vector of this.embedMulti([item])) return vector;
    throw new ModelError(
      `Embedding model '${this.id}' returned no vector; check that it is an embedding model`,
    );
  }

  /**
   * Embeds many items in batches of `batchSize` (default: the model's), yielding each vector as its batch
   * returns, in input order. Items are read from `items` one batch at a time, so a long (or endless)
   * source is never held in memory at once.
   * @throws {UnsupportedEmbeddingInputError} at the first item the model cannot embed.
   */
  async *embedMulti(
    items: Iterable<EmbeddingInput> | AsyncIterable<EmbeddingInput>,
    options: EmbedMultiOptions = {},
  ): AsyncGenerator<number[]> {
    const size = options.batchSize ?? this.batchSize;
    let batch: EmbeddingInput[] = [];
    for await (const item of items) {
      this.checkInput(item);
      batch.push(item);
      if (size !== undefined && batch.length >= size) {
        yield* this.#runBatch(batch);
        batch = [];
      }
    }
    if (batch.length) yield* this.#runBatch(batch);
  }

  async *#runBatch(batch: EmbeddingInput[]): AsyncGenerator<number[]> {
    let count = 0;
    for await (const vector of await this.embedBatch(batch)) {
      if (++count > batch.length) break;
      yield Array.isArray(vector) ? vector : Array.from(vector);
    }
    if (count !== batch.length) {
      throw new ModelError(
        `Embedding model '${this.id}' returned ${count} vectors for ${batch.length} items; ` +
          "check that it is an embedding model",
      );
    }
  }
}

/** An {@link EmbeddingModelLike} from a plugin (or another copy of this library), as an `EmbeddingModel`. */
export class WrappedEmbeddingModel extends EmbeddingModel {
  /** The object wrapped. */
  readonly inner: EmbeddingModelLike;
  readonly #label: string;

  /** Wraps `inner`, reading its optional settings. */
  constructor(inner: EmbeddingModelLike) {
    super(String(inner.id), {
      batchSize: inner.batchSize ?? undefined,
      supportsText: inner.supportsText ?? true,
      supportsBinary: inner.supportsBinary ?? false,
      needsKey: inner.needsKey,
      keyEnvVar: inner.keyEnvVar,
    });
    this.inner = inner;
    const className = (inner as { constructor?: { name?: string } }).constructor?.name;
    this.#label = typeof inner.label === "string" && inner.label
      ? inner.label
      : `${className && className !== "Object" ? className : "EmbeddingModel"}: ${inner.id}`;
  }

  /** The wrapped model's label, or `ClassName: id`. */
  override get label(): string {
    return this.#label;
  }

  /** Calls the wrapped model's `embedBatch`. */
  override embedBatch(items: EmbeddingInput[]): Promise<Vector[]> | AsyncIterable<Vector> {
    return this.inner.embedBatch(items);
  }
}

/** Whether `value` has the {@link EmbeddingModelLike} shape: a string `id` and an `embedBatch` function. */
export function isEmbeddingModelLike(value: unknown): value is EmbeddingModelLike {
  return typeof value === "object" && value !== null &&
    typeof (value as EmbeddingModelLike).id === "string" &&
    typeof (value as EmbeddingModelLike).embedBatch === "function";
}

/** `model` itself when it is an `EmbeddingModel` of this copy of the library, else wrapped. */
export function asEmbeddingModel(model: EmbeddingModelLike): EmbeddingModel {
  return model instanceof EmbeddingModel ? model : new WrappedEmbeddingModel(model);
}
