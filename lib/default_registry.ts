/**
 * The default model registry: the built-in OpenAI models, the user's extra OpenAI-compatible models and
 * aliases, and whatever plugins register. The functions here are what `mod.ts` exports.
 * @module
 */
import type { Model } from "./models/model.ts";
import {
  ModelRegistry,
  type ModelSource,
  type ModelWithAliases,
  type RegisterOptions,
} from "./models/model_registry.ts";
import { listFromDefaultRegistry } from "./default_registry_listing.ts";
import { extraOpenAIModelSource, openAIModelSource } from "./providers/openai/models.ts";
import { deleteUserAlias, loadUserAliases, writeUserAlias } from "./user/aliases.ts";
import { readDefaultModel, writeDefaultModel } from "./user/settings.ts";
import { setModelLookup } from "./models/late_bound.ts";

/** The registry every function of this module uses. */
export const registry: ModelRegistry = new ModelRegistry([openAIModelSource, extraOpenAIModelSource]);
listFromDefaultRegistry(registry);
// `Response.fromJSON()` and `Conversation.fromJSON()` find the model a JSON names here.
setModelLookup((name) => registry.get(name));

/**
 * The model with this id or alias; with no argument, the default model (`llm models default`).
 *
 * @example
 * ```ts
 * import { getModel } from "../mod.ts";
 * const model = getModel("4o-mini"); // the same as getModel("gpt-4o-mini")
 * ```
 * @throws {UnknownModelError} naming close matches.
 */
export function getModel(nameOrAlias?: string): Model {
  return registry.get(nameOrAlias ?? getDefaultModel());
}

/** Every registered model. */
export function getModels(): Model[] {
  return registry.models();
}

/**
 * Every model with its aliases (provider aliases, then the user's).
 *
 * @example
 * ```ts
 * import { getModelsWithAliases } from "../mod.ts";
 * for (const { model, aliases } of getModelsWithAliases()) console.log(model.id, aliases);
 * ```
 */
export function getModelsWithAliases(): ModelWithAliases[] {
  return registry.modelsWithAliases();
}

/** Every id and alias mapped to its model. */
export function getModelAliases(): Map<string, Model> {
  return registry.aliasMap();
}

/** Registers a model (as a plugin's `registerModels` hook does). */
export function registerModel(model: Model, options?: RegisterOptions): void {
  registry.register(model, options);
}

/** Adds a source of models that is loaded with the others (used by the plugin loader). */
export function addModelSource(source: ModelSource): void {
  registry.addSource(source);
}

/**
 * Points `alias` at a model in the user's aliases.json. A known model name or alias is resolved to its id;
 * anything else is stored as given, as Python `llm` does. Returns the id stored.
 */
export function setAlias(alias: string, modelIdOrAlias: string): string {
  const id = registry.find(modelIdOrAlias)?.id ?? modelIdOrAlias;
  writeUserAlias(alias, id);
  return id;
}

/**
 * Removes an alias from aliases.json.
 * @throws {UnknownAliasError} when there is no such alias.
 */
export function removeAlias(alias: string): void {
  deleteUserAlias(alias);
}

/** The user's aliases from aliases.json, `{alias: model_id}`. */
export function getUserAliases(): Record<string, string> {
  return loadUserAliases();
}

/** The default model's id: `default_model.txt` in the user directory, else `gpt-5.6-luna`. */
export function getDefaultModel(): string {
  return readDefaultModel();
}

/**
 * Sets the default model (an alias is resolved to its id); `null` goes back to the built-in default.
 * @throws {UnknownModelError} for an unknown model.
 */
export function setDefaultModel(nameOrAlias: string | null): void {
  writeDefaultModel(nameOrAlias === null ? null : registry.get(nameOrAlias).id);
}
