/**
 * Small settings files in the user directory: `default_model.txt` and `model_options.json`.
 * @module
 */
import { userPath } from "./dir.ts";
import { readJsonObject, writeJsonFile } from "./json_file.ts";

/** Python `llm` 0.32's default model, used when `default_model.txt` does not exist. */
export const DEFAULT_MODEL = "gpt-5.6-luna";

/** The id in `default_model.txt` (whitespace stripped), or `fallback`. */
export function readDefaultModel(fallback: string = DEFAULT_MODEL): string {
  try {
    const text = Deno.readTextFileSync(userPath("default_model.txt")).trim();
    return text || fallback;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return fallback;
    throw error;
  }
}

/** Writes `default_model.txt`; `null` removes it (back to the built-in default). */
export function writeDefaultModel(modelId: string | null): void {
  const path = userPath("default_model.txt");
  if (modelId === null) {
    try {
      Deno.removeSync(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return;
  }
  Deno.mkdirSync(userPath(), { recursive: true });
  Deno.writeTextFileSync(path, modelId);
}

/** The path of model_options.json. */
export function modelOptionsPath(): string {
  return userPath("model_options.json");
}

/** Default options for every model, `{model_id: {option: "value"}}` (values stored as strings, as Python does). */
export function loadAllModelOptions(): Record<string, Record<string, string>> {
  const data = readJsonObject(modelOptionsPath()) ?? {};
  const out: Record<string, Record<string, string>> = {};
  for (const [model, options] of Object.entries(data)) {
    if (options && typeof options === "object") out[model] = { ...(options as Record<string, string>) };
  }
  return out;
}

/** Default options for one model; `{}` when it has none. */
export function loadModelOptions(modelId: string): Record<string, string> {
  return loadAllModelOptions()[modelId] ?? {};
}

/** Stores a default option value for a model. */
export function setModelOption(modelId: string, key: string, value: string): void {
  const all = loadAllModelOptions();
  all[modelId] = { ...(all[modelId] ?? {}), [key]: value };
  writeJsonFile(modelOptionsPath(), all, { indent: 2 });
}

/** Removes one default option (or all, when `key` is omitted); returns the keys removed. */
export function clearModelOptions(modelId: string, key?: string): string[] {
  const all = loadAllModelOptions();
  const options = all[modelId];
  if (!options) return [];
  const removed = key === undefined ? Object.keys(options) : key in options ? [key] : [];
  for (const k of removed) delete options[k];
  if (Object.keys(options).length === 0) delete all[modelId];
  writeJsonFile(modelOptionsPath(), all, { indent: 2 });
  return removed;
}
