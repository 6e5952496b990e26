/**
 * The plugins `llm install` knows by the names Python users type (`llm install llm-anthropic`): this
 * project's own provider plugins. In a clone of the repository (where `plugins/<dir>/deno.json` sits next to
 * the CLI's code) a name installs the workspace package from its path; anywhere else, its JSR package.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** One plugin known by name. */
export interface FirstPartyPlugin {
  /** The name `llm install` takes, e.g. `llm-anthropic`. */
  name: string;
  /** Its folder under `plugins/` in the repository. */
  dir: string;
  /** Its JSR package. */
  jsr: string;
}

/** The plugins known by name. */
export const FIRST_PARTY_PLUGINS: readonly FirstPartyPlugin[] = [
  { name: "llm-anthropic", dir: "anthropic", jsr: "jsr:@denollm/llm-anthropic" },
  { name: "llm-gemini", dir: "gemini", jsr: "jsr:@denollm/llm-gemini" },
];

/** The repository's root, as a `file:` URL ending in `/`, seen from this module. */
const REPO_ROOT = new URL("../../", import.meta.url);

/** The entry file a workspace package's deno.json exports (`exports` as a string or its `"."`). */
function entryOf(denoJson: string): string {
  try {
    const exports = JSON.parse(readFileSync(denoJson, "utf8")).exports;
    const entry = typeof exports === "string" ? exports : exports?.["."];
    if (typeof entry === "string") return entry;
  } catch {
    // A deno.json we cannot read: fall back to the usual entry.
  }
  return "./mod.ts";
}

/**
 * What to install for a plugin's name: the absolute path of its entry in a clone of the repository, else its
 * `jsr:` specifier; `undefined` for a name that is not one of {@link FIRST_PARTY_PLUGINS}. `root` is the
 * repository root to look in (by default the one this module is in, when it is on disk).
 *
 * @example
 * ```ts
 * import { firstPartySpecifier } from "./first_party.ts";
 * firstPartySpecifier("llm-anthropic", new URL("https://example.com/llm/")); // "jsr:@denollm/llm-anthropic"
 * ```
 */
export function firstPartySpecifier(name: string, root: URL = REPO_ROOT): string | undefined {
  const plugin = FIRST_PARTY_PLUGINS.find((p) => p.name === name);
  if (!plugin) return undefined;
  if (root.protocol === "file:") {
    const denoJson = new URL(`plugins/${plugin.dir}/deno.json`, root);
    if (existsSync(denoJson)) return fileURLToPath(new URL(entryOf(fileURLToPath(denoJson)), denoJson));
  }
  return plugin.jsr;
}

/** Whether `spec` is a bare name (`llm-foo`): no scheme, no path separator, not starting with a dot. */
export function isBareName(spec: string): boolean {
  return /^[A-Za-z0-9@_][A-Za-z0-9._-]*$/.test(spec) && !/\.(ts|js|mjs|mts|tsx|jsx)$/.test(spec);
}
