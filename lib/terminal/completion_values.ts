/**
 * The names shell completion offers, read from the user directory without starting a model or loading a
 * plugin: model ids and aliases (the built-in models and extra-openai-models.yaml, as `llm models list` lists
 * them from their data, and aliases.json), template names (`templates/*.yaml`), and fragment aliases (from
 * logs.db, opened read-only). Anything that cannot be read gives no names rather than an error: a completion
 * must never fail.
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { catalogRegistry } from "../default_registry_listing.ts";
import { loadUserAliases } from "../user/aliases.ts";
import { userPath } from "../user/dir.ts";
import type { CompletionSources } from "./completion.ts";

function quietly<T>(read: () => T[]): T[] {
  try {
    return read();
  } catch {
    return [];
  }
}

/** Completion names from the user directory; see the module doc. */
export function userDirSources(): CompletionSources {
  return {
    models: () =>
      quietly(() => {
        const registry = catalogRegistry();
        registry.onWarning = () => {};
        return registry.modelsWithAliases().flatMap(({ model, aliases }) => [model.id, ...aliases]);
      }),
    aliases: () => quietly(() => Object.keys(loadUserAliases())),
    templates: () =>
      quietly(() =>
        [...Deno.readDirSync(userPath("templates"))]
          .filter((e) => e.isFile && e.name.endsWith(".yaml"))
          .map((e) => e.name.slice(0, -5))
          .sort()
      ),
    fragments: () =>
      quietly(() => {
        const path = userPath("logs.db");
        Deno.statSync(path);
        const db = new DatabaseSync(path, { readOnly: true });
        try {
          return (db.prepare("select alias from fragment_aliases order by alias").all() as {
            alias: string;
          }[])
            .map((r) => r.alias);
        } finally {
          db.close();
        }
      }),
  };
}
