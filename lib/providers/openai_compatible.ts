/**
 * OpenAI-compatible models from `extra-openai-models.yaml` in the user directory: how users reach Ollama,
 * llama.cpp, vLLM, LM Studio and hosted compatible services. Same file and keys as Python `llm`.
 *
 * The file is read with a small synchronous YAML reader, so `llm models` and `getModel()` stay fast and load
 * no npm package.
 *
 * @module
 */
import { ConfigError } from "../models/errors.ts";
import type { ModelSource, RegisterModel } from "../models/registry.ts";
import { userPath } from "../user/dir.ts";
import { parseSimpleYaml } from "../user/simple_yaml.ts";
import { OpenAIChat } from "./openai_chat.ts";
import type { OpenAIModelConfig } from "./openai_client.ts";
import { OpenAICompletion } from "./openai_completion.ts";
import { OpenAIResponses } from "./openai_responses.ts";

/** The path of extra-openai-models.yaml. */
export function extraModelsPath(): string {
  return userPath("extra-openai-models.yaml");
}

function text(entry: Record<string, unknown>, key: string, path: string, index: number): string | undefined {
  const value = entry[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" || typeof value === "number") return String(value);
  throw new ConfigError(path, `${path}: entry ${index + 1} has a '${key}' that is not a string`);
}

/**
 * Reads the models of extra-openai-models.yaml and registers them. A missing file registers nothing; a broken
 * one throws a `ConfigError` naming the file and line (the registry reports it and keeps the other models).
 */
export function registerExtraOpenAIModels(register: RegisterModel, path: string = extraModelsPath()): void {
  let source: string;
  try {
    source = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  let data: unknown;
  try {
    data = parseSimpleYaml(source, path);
  } catch (error) {
    throw new ConfigError(path, `${(error as Error).message}; fix the file or remove it`, { cause: error });
  }
  if (data === null || data === undefined) return;
  if (!Array.isArray(data)) throw new ConfigError(path, `${path} must hold a YAML list of models`);
  data.forEach((raw, index) => {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
      throw new ConfigError(path, `${path}: entry ${index + 1} is not a mapping`);
    }
    const entry = raw as Record<string, unknown>;
    const id = text(entry, "model_id", path, index);
    if (!id) throw new ConfigError(path, `${path}: entry ${index + 1} has no model_id`);
    const apiBase = text(entry, "api_base", path, index);
    const keyName = text(entry, "api_key_name", path, index);
    const headers = entry.headers && typeof entry.headers === "object"
      ? Object.fromEntries(
        Object.entries(entry.headers as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
      )
      : undefined;
    const config: OpenAIModelConfig = {
      modelName: text(entry, "model_name", path, index) ?? id,
      apiBase,
      headers,
      // A custom server gets no OpenAI key: only the key named by api_key_name, or none (DUMMY_KEY is sent).
      needsKey: keyName ?? (apiBase ? null : "openai"),
      keyEnvVar: keyName || apiBase ? null : undefined,
      canStream: entry.can_stream !== false,
      supportsSchema: entry.supports_schema === true,
      supportsTools: entry.supports_tools === true,
      vision: entry.vision === true,
      audio: entry.audio === true,
      reasoning: entry.reasoning === true,
      serviceTier: entry.service_tier === true,
    };
    const aliases = Array.isArray(entry.aliases) ? entry.aliases.map(String) : [];
    const model = entry.completion === true
      ? new OpenAICompletion(id, config)
      : entry.responses === true
      ? new OpenAIResponses(id, config)
      : new OpenAIChat(id, config);
    register(model, { aliases });
  });
}

/** The user's extra OpenAI-compatible models as a registry source. */
export const extraOpenAIModelSource: ModelSource = {
  name: "extra-openai-models.yaml",
  load: (register) => registerExtraOpenAIModels(register),
};
