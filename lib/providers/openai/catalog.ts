/**
 * The OpenAI models as data: which API each uses, its settings and its aliases. `models.ts` makes model
 * objects from this; `llm models list` lists it as it is, loading none of the model classes.
 *
 * The built-in models are those Python `llm` 0.32 registers by default, with the same ids, aliases and
 * capabilities.
 * @module
 */
import type { ModelListing, ModelSource } from "../../models/model_registry.ts";
import type { OpenAIModelConfig } from "./base_model.ts";

/** The OpenAI API a model is served through. */
export type OpenAIApi = "chat" | "responses" | "completion";

/** One OpenAI or OpenAI-compatible model as data. */
export interface OpenAIModelSpec {
  /** Chat Completions, Responses or the legacy completions API. */
  api: OpenAIApi;
  /** The model id. */
  id: string;
  /** Its settings. */
  config: OpenAIModelConfig;
  /** The aliases it is registered with. */
  aliases: string[];
}

/** The names of the model sources, as warnings name them. */
export const OPENAI_SOURCE_NAMES = { builtin: "openai", extra: "extra-openai-models.yaml" } as const;

const API_LABELS: Record<OpenAIApi, string> = {
  chat: "OpenAI Chat",
  responses: "OpenAI Responses",
  completion: "OpenAI Completion",
};

/** How `llm models` shows a model of this API, e.g. `OpenAI Chat: gpt-4o`. */
export function openAILabel(api: OpenAIApi, id: string): string {
  return `${API_LABELS[api]}: ${id}`;
}

/** What `llm models list` shows of a spec: the same as the model object made from it would give. */
export function openAIModelListing(spec: OpenAIModelSpec): ModelListing {
  return {
    id: spec.id,
    label: openAILabel(spec.api, spec.id),
    supportsSchema: spec.config.supportsSchema ?? false,
    supportsTools: spec.config.supportsTools ?? false,
    // Python llm registers no async version of a completion model.
    ...(spec.api === "completion" ? { supportsAsync: false } : {}),
  };
}

/**
 * A registry source that registers what `make` makes of each spec `specs()` returns, with the spec's aliases:
 * model objects for the default registry, listings for `llm models list`.
 */
export function specSource<M extends ModelListing>(
  name: string,
  specs: () => OpenAIModelSpec[],
  make: (spec: OpenAIModelSpec) => M,
): ModelSource<M> {
  return {
    name,
    load: (register) => {
      for (const spec of specs()) register(make(spec), { aliases: spec.aliases });
    },
  };
}

const FULL = { vision: true, serviceTier: true, supportsSchema: true, supportsTools: true };
const REASONING = { ...FULL, reasoning: true };
const GPT5 = { ...REASONING, verbosity: true };
const GPT54 = { ...GPT5, imageDetailOriginal: true };

/** The built-in OpenAI models, in the order Python `llm` lists them. */
export function builtinOpenAIModelSpecs(): OpenAIModelSpec[] {
  const specs: OpenAIModelSpec[] = [];
  const add = (api: OpenAIApi, id: string, config: OpenAIModelConfig, aliases: string[] = []) =>
    specs.push({ api, id, config, aliases });
  add("chat", "gpt-4o", FULL, ["4o"]);
  add("chat", "gpt-4o-mini", FULL, ["4o-mini"]);
  for (const id of ["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano"]) {
    add("chat", id, FULL, [id.replace("gpt-", "")]);
  }
  add("chat", "gpt-3.5-turbo", { serviceTier: true }, ["3.5", "chatgpt"]);
  add("chat", "gpt-3.5-turbo-16k", { serviceTier: true }, ["chatgpt-16k", "3.5-16k"]);
  add("chat", "gpt-4", { serviceTier: true }, ["4", "gpt4"]);
  add("chat", "gpt-4-turbo-2024-04-09", { serviceTier: true });
  add("chat", "gpt-4-turbo", { serviceTier: true }, ["gpt-4-turbo-preview", "4-turbo", "4t"]);
  for (const id of ["o1", "o1-2024-12-17"]) add("responses", id, { ...REASONING, canStream: false });
  add("responses", "o3-mini", { ...REASONING, vision: false });
  add("responses", "o3", REASONING);
  add("responses", "o4-mini", REASONING);
  for (
    const id of [
      "gpt-5",
      "gpt-5-mini",
      "gpt-5-nano",
      "gpt-5-2025-08-07",
      "gpt-5-mini-2025-08-07",
      "gpt-5-nano-2025-08-07",
      "gpt-5.1",
      "gpt-5.2",
      "gpt-5.2-chat-latest",
    ]
  ) add("responses", id, GPT5);
  for (
    const id of [
      "gpt-5.4",
      "gpt-5.4-2026-03-05",
      "gpt-5.4-mini",
      "gpt-5.4-mini-2026-03-17",
      "gpt-5.4-nano",
      "gpt-5.4-nano-2026-03-17",
      "gpt-5.5",
      "gpt-5.5-2026-04-23",
      "gpt-5.6-sol",
      "gpt-5.6-terra",
      "gpt-5.6-luna",
    ]
  ) add("responses", id, GPT54);
  add("completion", "gpt-3.5-turbo-instruct", { defaultMaxTokens: 256 }, [
    "3.5-instruct",
    "chatgpt-instruct",
  ]);
  return specs;
}
