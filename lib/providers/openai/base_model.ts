/**
 * What the OpenAI models share: their settings, where requests go, and turning HTTP errors into `ModelError`s.
 * @module
 */
import type { OpenAIConnection } from "./http.ts";
import { openAIModelError } from "./errors.ts";
import { lazyImport } from "../../lazy_import.ts";
import { Model } from "../../models/model.ts";
import type { OpenAIOptionFlags } from "./options.ts";
import type { OptionsDefinition } from "../../models/options.ts";

/** MIME types the vision models accept. */
export const VISION_TYPES = ["application/pdf", "image/gif", "image/jpeg", "image/png", "image/webp"];
/** MIME types the audio models accept. */
export const AUDIO_TYPES = ["audio/wav", "audio/mpeg"];

/** Settings of an OpenAI or OpenAI-compatible model. */
export interface OpenAIModelConfig {
  /** The name sent to the API, when it differs from the id. */
  modelName?: string;
  /** The API base URL (default: `OPENAI_BASE_URL`, else OpenAI's). */
  apiBase?: string;
  /** Extra HTTP headers. */
  headers?: Record<string, string>;
  /** The keys.json name of the key; `null` for a server that needs none. Default `openai`. */
  needsKey?: string | null;
  /** The environment variable holding the key. Default `OPENAI_API_KEY` when `needsKey` is `openai`. */
  keyEnvVar?: string | null;
  /** Whether it streams (default true). */
  canStream?: boolean;
  /** Accepts images and PDFs. */
  vision?: boolean;
  /** Accepts audio. */
  audio?: boolean;
  /** Has `reasoning_effort` and reasoning summaries. */
  reasoning?: boolean;
  /**
   * Asks the Responses API for reasoning summaries (default true); false asks for none, and for encrypted
   * reasoning only when a reasoning effort is set (`llm openai endpoint --responses`, as in Python llm).
   */
  reasoningSummary?: boolean;
  /** Has `verbosity`. */
  verbosity?: boolean;
  /** `image_detail` may be `original`. */
  imageDetailOriginal?: boolean;
  /** Has `service_tier`. */
  serviceTier?: boolean;
  /** Accepts a JSON Schema for its output. */
  supportsSchema?: boolean;
  /** Can call tools. */
  supportsTools?: boolean;
  /** Accepts a system prompt (default true). */
  allowsSystemPrompt?: boolean;
  /** `max_tokens` sent when the caller sets none. */
  defaultMaxTokens?: number;
}

/** Base of the OpenAI model classes. */
export abstract class OpenAIBaseModel extends Model {
  /** The model's settings. */
  readonly config: OpenAIModelConfig;

  /** Creates the model; `optionFlags` pick its optional options. */
  constructor(id: string, config: OpenAIModelConfig, optionFlags: OpenAIOptionFlags = {}) {
    const needsKey = config.needsKey === undefined ? "openai" : config.needsKey ?? undefined;
    const keyEnvVar = config.keyEnvVar === undefined
      ? (needsKey === "openai" ? "OPENAI_API_KEY" : undefined)
      : config.keyEnvVar ?? undefined;
    super(id, {
      needsKey,
      keyEnvVar,
      canStream: config.canStream ?? true,
      attachmentTypes: [...(config.vision ? VISION_TYPES : []), ...(config.audio ? AUDIO_TYPES : [])],
      supportsSchema: config.supportsSchema ?? false,
      supportsTools: config.supportsTools ?? false,
      options: lazyOpenAIOptions({
        reasoning: config.reasoning,
        verbosity: config.verbosity,
        imageDetailOriginal: config.imageDetailOriginal,
        serviceTier: config.serviceTier,
        ...optionFlags,
      }),
    });
    this.config = config;
  }

  /** The model name sent to the API. */
  get apiModelName(): string {
    return this.config.modelName ?? this.id;
  }

  /** The base URL requests go to. */
  get baseURL(): string {
    return this.config.apiBase ?? Deno.env.get("OPENAI_BASE_URL") ?? "https://api.openai.com/v1";
  }

  /** Where requests go, with `key` (a server that needs no key gets `DUMMY_KEY`, as Python `llm` sends). */
  connection(key: string | undefined, signal?: AbortSignal): OpenAIConnection {
    const retries = Number(Deno.env.get("LLM_OPENAI_MAX_RETRIES") ?? "2");
    return {
      baseURL: this.baseURL,
      apiKey: key ?? "DUMMY_KEY",
      headers: this.config.headers,
      maxRetries: Number.isInteger(retries) && retries >= 0 ? retries : 2,
      signal,
    };
  }

  /** Turns an HTTP, network or parsing error into a `ModelError` that says what happened and what to do. */
  toModelError(error: unknown, received: number, signal?: AbortSignal): unknown {
    return openAIModelError(error, {
      baseURL: this.baseURL,
      keyName: this.needsKey,
      signal,
      received,
      lost: (detail) =>
        `The connection was lost before the response finished (${detail}); ` +
        `${received} characters arrived before it. Try again`,
    });
  }
}

/**
 * The options of an OpenAI model; the module that describes them loads only when options are validated or
 * listed (never for `llm models list`).
 */
function lazyOpenAIOptions(flags: OpenAIOptionFlags): OptionsDefinition {
  return async (z) => {
    const { openAIOptions } = await lazyImport<typeof import("./options.ts")>(
      "./options.ts",
      import.meta.url,
    );
    return await openAIOptions(flags)(z);
  };
}

/**
 * The HTTP client (`http.ts`), imported the first time a model runs: listing models never loads it.
 */
export function loadHttpClient(): Promise<typeof import("./http.ts")> {
  return lazyImport<typeof import("./http.ts")>("./http.ts", import.meta.url);
}

/**
 * Drops `null` values from an object, recursively, and nested objects left empty by that (Python `llm`'s
 * `remove_dict_none_values`).
 */
export function withoutNulls(value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) out[k] = v.map(withoutNulls);
    else if (typeof v === "object") {
      const nested = withoutNulls(v) as Record<string, unknown>;
      if (Object.keys(nested).length) out[k] = nested;
    } else out[k] = v;
  }
  return out;
}

/** Option values with `null`/`undefined` removed and the ones llm consumes itself taken out. */
export function apiOptions(options: Record<string, unknown>, consumed: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v !== null && v !== undefined && !consumed.includes(k)) out[k] = v;
  }
  return out;
}
