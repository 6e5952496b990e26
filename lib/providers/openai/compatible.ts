/**
 * OpenAI-compatible models from `extra-openai-models.yaml` in the user directory: how users reach Ollama,
 * llama.cpp, vLLM, LM Studio and hosted compatible services. Same file and keys as Python `llm`.
 *
 * The file is read with a small synchronous YAML reader, so `llm models` and `getModel()` stay fast and load
 * no npm package. This module reads the file into {@link OpenAIModelSpec}s; `models.ts` makes the
 * models.
 *
 * @module
 */
import { userPath } from "../../user/dir.ts";
import { parseSimpleYaml } from "../../compat/pyyaml_load.ts";
import type { OpenAIModelSpec } from "./catalog.ts";
import type { OpenAIModelConfig } from "./base_model.ts";
import { ConfigError } from "../../user/config_error.ts";

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
 * The models of extra-openai-models.yaml, in file order. A missing file has none; a broken one throws a
 * `ConfigError` naming the file and line (the registry reports it and keeps the other models).
 */
export function readExtraOpenAIModelSpecs(path: string = extraModelsPath()): OpenAIModelSpec[] {
  let source: string;
  try {
    source = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  let data: unknown;
  try {
    data = parseSimpleYaml(source, path);
  } catch (error) {
    throw new ConfigError(path, `${(error as Error).message}; fix the file or remove it`, { cause: error });
  }
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data)) throw new ConfigError(path, `${path} must hold a YAML list of models`);
  return data.map((raw, index): OpenAIModelSpec => {
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
    const api = entry.completion === true ? "completion" : entry.responses === true ? "responses" : "chat";
    return { api, id, config, aliases };
  });
}
