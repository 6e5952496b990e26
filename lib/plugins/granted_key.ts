/**
 * The API key a sandboxed plugin's model may be given: only what the user gave explicitly, or a stored key
 * and a variable the plugin declared. `llm` resolves it (from keys.json and the environment, on its side)
 * and passes it with each call; the plugin never reads keys.json.
 * @module
 */
import { NeedsKeyError } from "../models/errors.ts";
import { getKey, loadKeys } from "../user/keys.ts";
import { PluginPermissionError } from "./errors.ts";
import type { PluginPermissions } from "./permissions.ts";
import type { PluginRecord } from "./record.ts";

/**
 * The key a sandboxed plugin's model may use: one given explicitly (`--key`, `model.key`, or a stored key the
 * user named), else the stored key under its `needsKey` name and its variable, each only when the plugin
 * declared it (in `keys` and `env`).
 *
 * @example
 * ```ts
 * import { grantedKey } from "./granted_key.ts";
 * grantedKey({ needsKey: "example" }, "llm-example", { keys: ["example"] }, "sk-given"); // "sk-given"
 * ```
 * @throws {PluginPermissionError} when the model needs a key its plugin did not declare and none was given.
 * @throws {NeedsKeyError} when the plugin declared the key and none is set.
 */
export function grantedKey(
  model: { needsKey?: string; keyEnvVar?: string },
  plugin: string,
  granted: PluginPermissions,
  explicit?: string,
): string | undefined {
  if (explicit) return getKey({ explicit });
  const alias = model.needsKey && granted.keys?.includes(model.needsKey) ? model.needsKey : undefined;
  const envVar = model.keyEnvVar && granted.env?.includes(model.keyEnvVar) ? model.keyEnvVar : undefined;
  const key = alias || envVar ? getKey({ alias, envVar }) : undefined;
  if (key || !model.needsKey) return key;
  if (!alias && !envVar) {
    throw new PluginPermissionError(plugin, "keys", `the stored key '${model.needsKey}'`);
  }
  throw new NeedsKeyError(model.needsKey, envVar);
}

/**
 * What an installed plugin was granted, as far as its keys go: its grant, or none at all for a plugin that
 * declared nothing when `LLM_PLUGIN_SANDBOX=strict` sandboxes it; `undefined` when it runs unrestricted.
 */
export function effectivePermissions(
  record: { grant?: { permissions: PluginPermissions }; permissions?: PluginPermissions },
): PluginPermissions | undefined {
  if (record.grant) return record.grant.permissions;
  const strict = (Deno.env.get("LLM_PLUGIN_SANDBOX") ?? "").trim().toLowerCase() === "strict";
  return strict && !record.permissions ? {} : undefined;
}

/** An installed plugin as `llm plugins` lists it: name, hooks, version, specifier and what it may do. */
export function installedPluginInfo(record: PluginRecord): {
  name: string;
  hooks: string[];
  version?: string;
  specifier: string;
  permissions: PluginPermissions | "unrestricted";
} {
  return {
    name: record.name,
    hooks: record.hooks,
    ...(record.version ? { version: record.version } : {}),
    specifier: record.specifier,
    permissions: effectivePermissions(record) ?? "unrestricted",
  };
}

/** The stored keys a plugin was granted, as keys.json has them now (sent with each call to its Worker). */
export function grantedKeys(granted: PluginPermissions): Record<string, string> {
  if (!granted.keys?.length) return {};
  const stored = loadKeys();
  return Object.fromEntries(granted.keys.filter((k) => k in stored).map((k) => [k, stored[k]]));
}
