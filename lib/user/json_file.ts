/**
 * Small helpers for the JSON files in the user directory (keys.json, aliases.json, model_options.json).
 * @module
 */
import { dirnamePath as dirname } from "./path.ts";
import { ConfigError } from "./config_error.ts";

/** Reads a JSON object from `path`; `undefined` when the file does not exist. Broken JSON is a `ConfigError`. */
export function readJsonObject(path: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  try {
    const value = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(path, `${path} is not valid JSON (${(error as Error).message}); fix or remove it`);
  }
  throw new ConfigError(path, `${path} must hold a JSON object; fix or remove it`);
}

/**
 * Writes `value` as JSON to `path` atomically (a temporary file renamed into place), creating the directory.
 * `mode` sets the file's permissions (e.g. 0o600 for keys.json).
 */
export function writeJsonFile(
  path: string,
  value: unknown,
  options: { indent?: number; mode?: number } = {},
): void {
  Deno.mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  const text = JSON.stringify(value, null, options.indent ?? 2) + "\n";
  Deno.writeTextFileSync(tmp, text, { mode: options.mode });
  if (options.mode !== undefined && Deno.build.os !== "windows") Deno.chmodSync(tmp, options.mode);
  Deno.renameSync(tmp, path);
}
