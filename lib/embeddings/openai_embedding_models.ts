/**
 * The OpenAI embedding models Python `llm` 0.32 registers (`ada`, `3-small`, `3-large` and the reduced
 * `dimensions` variants), over the project's own HTTP client (`POST {base}/embeddings`, with its retries).
 * Like the official SDK that Python `llm` uses, requests ask for `encoding_format: "base64"`; a server that
 * answers with JSON lists of floats instead is read as well.
 *
 * Python `llm` 0.32 reads no embedding models from `extra-openai-models.yaml` (that file only adds chat and
 * completion models), so neither does this module.
 * @module
 */
import { ModelError } from "../models/errors.ts";
import { lazyImport } from "../lazy_import.ts";
import { openAIModelError } from "../providers/openai/errors.ts";
import { decode } from "./codec.ts";
import { type EmbeddingInput, EmbeddingModel } from "./embedding_model.ts";

/** Settings of an {@link OpenAIEmbeddingModel}. */
export interface OpenAIEmbeddingConfig {
  /** The model name sent to the API (default: the id). */
  modelName?: string;
  /** Output dimensions to ask for (`text-embedding-3-*` only). */
  dimensions?: number;
  /** The API base URL (default: `OPENAI_BASE_URL`, else OpenAI's). */
  apiBase?: string;
  /** Extra HTTP headers. */
  headers?: Record<string, string>;
}

/**
 * An OpenAI embedding model. Batches hold up to 100 texts; binary input is refused, as OpenAI takes text only.
 *
 * @example
 * ```ts ignore
 * import { OpenAIEmbeddingModel } from "../../mod.ts";
 * const small = new OpenAIEmbeddingModel("text-embedding-3-small-512", {
 *   modelName: "text-embedding-3-small",
 *   dimensions: 512,
 * });
 * console.log((await small.embed("hello")).length); // 512
 * ```
 */
export class OpenAIEmbeddingModel extends EmbeddingModel {
  /** The model's settings. */
  readonly config: OpenAIEmbeddingConfig;

  /** Creates the model `id` with its settings. */
  constructor(id: string, config: OpenAIEmbeddingConfig = {}) {
    super(id, { batchSize: 100, needsKey: "openai", keyEnvVar: "OPENAI_API_KEY" });
    this.config = config;
  }

  /** `OpenAIEmbeddingModel: <id>`, as Python `llm` shows it. */
  override get label(): string {
    return `OpenAIEmbeddingModel: ${this.id}`;
  }

  /** The base URL requests go to. */
  get baseURL(): string {
    return this.config.apiBase ?? Deno.env.get("OPENAI_BASE_URL") ?? "https://api.openai.com/v1";
  }

  /** Sends one `/embeddings` request for `items`; returns one vector per item, in order. */
  override async embedBatch(items: EmbeddingInput[]): Promise<number[][]> {
    for (const item of items) this.checkInput(item);
    const key = this.resolveKey();
    const retries = Number(Deno.env.get("LLM_OPENAI_MAX_RETRIES") ?? "2");
    // The keys in the order the official SDK sends them.
    const body: Record<string, unknown> = { input: items, model: this.config.modelName ?? this.id };
    if (this.config.dimensions) body.dimensions = this.config.dimensions;
    body.encoding_format = "base64";
    // The HTTP client loads with the first request, not with the library.
    const { postJson } = await lazyImport<typeof import("../providers/openai/http.ts")>(
      "../providers/openai/http.ts",
      import.meta.url,
    );
    let data: Record<string, unknown>;
    try {
      data = await postJson(
        {
          baseURL: this.baseURL,
          apiKey: key ?? "DUMMY_KEY",
          headers: this.config.headers,
          maxRetries: Number.isInteger(retries) && retries >= 0 ? retries : 2,
        },
        "/embeddings",
        body,
      );
    } catch (error) {
      throw this.#modelError(error);
    }
    return this.#vectors(data, items.length);
  }

  #vectors(data: Record<string, unknown>, expected: number): number[][] {
    const list = Array.isArray(data.data) ? data.data as { index?: unknown; embedding?: unknown }[] : [];
    const ordered = list.every((d) => typeof d?.index === "number")
      ? [...list].sort((a, b) => (a.index as number) - (b.index as number))
      : list;
    const vectors = ordered.map((d) => {
      const e = d?.embedding;
      if (typeof e === "string") return decode(base64Bytes(e));
      if (Array.isArray(e) && e.every((x) => typeof x === "number")) return e as number[];
      return undefined;
    });
    if (vectors.length !== expected || vectors.some((v) => v === undefined)) {
      throw new ModelError(
        `The server at ${this.baseURL} answered ${vectors.length} embeddings for ${expected} inputs, or ` +
          "embeddings that are neither lists of numbers nor base64; check that it is an OpenAI-compatible API",
        { kind: "stream" },
      );
    }
    return vectors as number[][];
  }

  #modelError(error: unknown): unknown {
    return openAIModelError(error, {
      baseURL: this.baseURL,
      keyName: this.needsKey,
      lost: (detail) => `The embeddings request to ${this.baseURL} failed: ${detail}. Try again`,
    });
  }
}

function base64Bytes(text: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (native) return native(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The built-in embedding models, in Python `llm`'s order: `[id, config, aliases]`. */
export const OPENAI_EMBEDDING_MODELS: readonly [string, OpenAIEmbeddingConfig, string[]][] = [
  ["text-embedding-ada-002", {}, ["ada", "ada-002"]],
  ["text-embedding-3-small", {}, ["3-small"]],
  ["text-embedding-3-large", {}, ["3-large"]],
  ["text-embedding-3-small-512", { modelName: "text-embedding-3-small", dimensions: 512 }, ["3-small-512"]],
  ["text-embedding-3-large-256", { modelName: "text-embedding-3-large", dimensions: 256 }, ["3-large-256"]],
  ["text-embedding-3-large-1024", { modelName: "text-embedding-3-large", dimensions: 1024 }, [
    "3-large-1024",
  ]],
];
