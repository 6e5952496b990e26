/**
 * API keys in `keys.json` in the user directory, shared with Python `llm`.
 * @module
 */
import { userPath } from "./dir.ts";
import { readJsonObject, writeJsonFile } from "./json_file.ts";
import { sandboxContext } from "./sandbox_context.ts";

const NOTE_KEY = "// Note";
const NOTE = "This file stores secret API credentials. Do not share!";

/** The path of keys.json. */
export function keysPath(): string {
  return userPath("keys.json");
}

/** All stored keys by name (the note entry left out); `{}` when keys.json does not exist. */
export function loadKeys(): Record<string, string> {
  const sandboxed = sandboxContext();
  if (sandboxed) return { ...sandboxed.keys }; // a sandboxed plugin gets the keys it declared, not the file
  const data = readJsonObject(keysPath()) ?? {};
  const keys: Record<string, string> = {};
  for (const [name, value] of Object.entries(data)) {
    if (name !== NOTE_KEY && typeof value === "string") keys[name] = value;
  }
  return keys;
}

/**
 * Stores a key under `name` in keys.json, created with mode 0600 and the same note Python `llm` writes.
 * A keys.json that is not valid JSON is replaced, as Python `llm` does.
 */
export function setKey(name: string, value: string): void {
  let data: Record<string, unknown>;
  try {
    data = readJsonObject(keysPath()) ?? { [NOTE_KEY]: NOTE };
  } catch {
    data = { [NOTE_KEY]: NOTE };
  }
  data[name] = value;
  writeJsonFile(keysPath(), data, { indent: 2, mode: 0o600 });
}

/** Where to look for a key. */
export interface KeyLookup {
  /** A key given directly (`--key`, `model.key`); if it names an entry of keys.json, that entry is used. */
  explicit?: string;
  /** The keys.json name of the key, e.g. `openai`. */
  alias?: string;
  /** The environment variable that may hold it, e.g. `OPENAI_API_KEY`. */
  envVar?: string;
}

/**
 * Finds a key, in Python `llm`'s order: an explicit key that names a stored key, the explicit key itself, the
 * stored key under `alias`, then the environment variable. `undefined` when none is set.
 *
 * @example
 * ```ts
 * import { getKey } from "./keys.ts";
 * const key = getKey({ alias: "openai", envVar: "OPENAI_API_KEY" });
 * ```
 */
export function getKey(lookup: KeyLookup): string | undefined {
  const needStored = lookup.explicit !== undefined || lookup.alias !== undefined;
  const stored = needStored ? loadKeys() : {};
  if (lookup.explicit) return stored[lookup.explicit] ?? lookup.explicit;
  if (lookup.alias && stored[lookup.alias]) return stored[lookup.alias];
  if (lookup.envVar) {
    const fromEnv = Deno.env.get(lookup.envVar);
    if (fromEnv) return fromEnv;
  }
  return undefined;
}
