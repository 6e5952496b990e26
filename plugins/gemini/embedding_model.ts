/**
 * `GeminiEmbeddingModel`: Gemini's text embedding models, with the ids `llm-gemini` registers. A batch of up
 * to 20 texts goes to `POST /v1beta/models/{id}:batchEmbedContents` in one request, one `requests` entry per
 * text. The truncated variants (`-768`, `-1536`) ask for fewer dimensions with `outputDimensionality`;
 * `gemini-embedding-001` returns those shorter vectors unnormalised, so they are scaled to length 1 here (as
 * `llm-gemini` does), while `gemini-embedding-2` normalises them itself.
 * @module
 */
import { type EmbeddingInput, EmbeddingModel, ModelError } from "./_llm.ts";
import { geminiFetch } from "./client.ts";
import { GEMINI_KEY_ENV_VAR, GEMINI_KEY_NAME } from "./model.ts";

/** The Gemini embedding models, each registered at full size and truncated to each of the dimensions below. */
export const GEMINI_EMBEDDING_MODEL_IDS: readonly string[] = ["gemini-embedding-2", "gemini-embedding-001"];

/** The truncated sizes registered for each model, as `<id>-<dimensions>`. */
export const GEMINI_EMBEDDING_DIMENSIONS: readonly number[] = [768, 1536];

/** Texts a `batchEmbedContents` request carries (the batch size `llm-gemini` uses). */
export const GEMINI_EMBEDDING_BATCH_SIZE = 20;

/** The models that return truncated vectors without normalising them. */
const UNNORMALISED_WHEN_TRUNCATED = new Set(["gemini-embedding-001"]);

const BAD_REQUEST_HINT = "check the texts: each must be non-empty and within the model's input token limit";

/** One entry of a `batchEmbedContents` request body. */
export interface GeminiEmbedRequest {
  /** `models/<gemini id>`. */
  model: string;
  /** The text, as one part. */
  content: { parts: { text: string }[] };
  /** The vector's length, for the truncated variants. */
  outputDimensionality?: number;
}

/**
 * A Gemini embedding model: `gemini-embedding-001` or `gemini-embedding-2`, at full size or truncated.
 *
 * @example
 * ```ts ignore
 * import { GeminiEmbeddingModel } from "./embedding_model.ts";
 * const model = new GeminiEmbeddingModel("gemini-embedding-001", 768); // id gemini-embedding-001-768
 * model.key = "...";
 * console.log((await model.embed("Pelicans are large birds")).length); // 768
 * ```
 */
export class GeminiEmbeddingModel extends EmbeddingModel {
  /** The model the Gemini API knows, e.g. `gemini-embedding-001`. */
  readonly geminiId: string;
  /** The number of dimensions asked for, when the model is a truncated variant. */
  readonly outputDimensionality?: number;

  /**
   * Creates the model `geminiId`, or its variant `<geminiId>-<outputDimensionality>` that asks for shorter
   * vectors.
   */
  constructor(geminiId: string, outputDimensionality?: number) {
    super(outputDimensionality ? `${geminiId}-${outputDimensionality}` : geminiId, {
      batchSize: GEMINI_EMBEDDING_BATCH_SIZE,
      needsKey: GEMINI_KEY_NAME,
      keyEnvVar: GEMINI_KEY_ENV_VAR,
    });
    this.geminiId = geminiId;
    this.outputDimensionality = outputDimensionality || undefined;
  }

  /** Whether vectors are scaled to length 1 here: the truncated variants of `gemini-embedding-001`. */
  get normalises(): boolean {
    return this.outputDimensionality !== undefined && UNNORMALISED_WHEN_TRUNCATED.has(this.geminiId);
  }

  /** The `batchEmbedContents` body for a batch (bytes are read as UTF-8 text). */
  requestBody(items: EmbeddingInput[]): { requests: GeminiEmbedRequest[] } {
    const decoder = new TextDecoder();
    return {
      requests: items.map((item) => ({
        model: `models/${this.geminiId}`,
        content: { parts: [{ text: typeof item === "string" ? item : decoder.decode(item) }] },
        ...(this.outputDimensionality ? { outputDimensionality: this.outputDimensionality } : {}),
      })),
    };
  }

  /**
   * Embeds a batch in one request; one vector per item, in order.
   * @throws {NeedsKeyError} when no key is set.
   * @throws {ModelError} when the API cannot be reached, answers an error, or sends an answer without one
   *   vector per item.
   */
  async embedBatch(items: EmbeddingInput[]): Promise<number[][]> {
    const key = this.resolveKey() ?? "";
    const response = await geminiFetch(`/v1beta/models/${this.geminiId}:batchEmbedContents`, {
      key,
      body: this.requestBody(items),
      what: this.id,
      badRequestHint: BAD_REQUEST_HINT,
    });
    let data: unknown;
    try {
      data = await response.json();
    } catch (error) {
      throw new ModelError(
        `Gemini sent an embedding answer for ${this.id} that is not JSON (${(error as Error).message}); ` +
          "try again",
        { kind: "stream", cause: error },
      );
    }
    const vectors = vectorsOf(data, items.length);
    if (!vectors) {
      throw new ModelError(
        `Gemini did not send ${items.length} embedding${items.length === 1 ? "" : "s"} for ${this.id}; ` +
          "try again, or check LLM_GEMINI_BASE_URL if you set it",
        { kind: "stream" },
      );
    }
    return this.normalises ? vectors.map(unitLength) : vectors;
  }
}

/** The `embeddings[].values` of an answer, when it has `count` lists of numbers. */
function vectorsOf(data: unknown, count: number): number[][] | undefined {
  const embeddings = (data as { embeddings?: unknown } | null)?.embeddings;
  if (!Array.isArray(embeddings) || embeddings.length !== count) return undefined;
  const vectors: number[][] = [];
  for (const embedding of embeddings) {
    const values = (embedding as { values?: unknown } | null)?.values;
    if (!Array.isArray(values) || !values.every((value) => typeof value === "number")) return undefined;
    vectors.push(values);
  }
  return vectors;
}

/** `vector` scaled to length 1 (a zero vector as it is); squares summed in order, as Python 3.11's `sum()` does. */
function unitLength(vector: number[]): number[] {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const magnitude = Math.sqrt(sum);
  return magnitude ? vector.map((value) => value / magnitude) : vector;
}

/** Every Gemini embedding model, in the order `llm-gemini` registers them: each full size, then truncated. */
export function geminiEmbeddingModels(): GeminiEmbeddingModel[] {
  return GEMINI_EMBEDDING_MODEL_IDS.flatMap((id) => [
    new GeminiEmbeddingModel(id),
    ...GEMINI_EMBEDDING_DIMENSIONS.map((dimensions) => new GeminiEmbeddingModel(id, dimensions)),
  ]);
}
