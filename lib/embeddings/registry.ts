/**
 * The embedding model registry, beside the chat one: the built-in OpenAI embedding models, those plugins
 * register with `registerEmbeddingModels`, and those registered in-process with
 * {@link registerEmbeddingModel}; the user's aliases.json applies to them as it does to chat models. The
 * default embedding model lives in `default_embedding_model.txt` (there is none unless the user sets one).
 * @module
 */
import { lazyImport } from "../lazy_import.ts";
import { ModelRegistry } from "../models/model_registry.ts";
import { activePluginNames, enabledRecords, pluginsFromEnv } from "../plugins/enabled.ts";
import { loadUserAliases } from "../user/aliases.ts";
import { userPath } from "../user/dir.ts";
import { asEmbeddingModel, type EmbeddingModel, type EmbeddingModelLike } from "./embedding_model.ts";
import { NoDefaultEmbeddingModelError, UnknownEmbeddingModelError } from "./errors.ts";
import { OPENAI_EMBEDDING_MODELS, OpenAIEmbeddingModel } from "./openai_embedding_models.ts";

/** An embedding model with every alias that points at it. */
export interface EmbeddingModelWithAliases {
  /** The model. */
  model: EmbeddingModel;
  /** Its own aliases first, then the user's aliases.json ones. */
  aliases: string[];
}

interface Entry {
  model: EmbeddingModel;
  aliases: string[];
  source: string;
}

let builtins: Entry[] | undefined;
const warned = new Set<string>();
const registered: Entry[] = [];

function builtinEntries(): Entry[] {
  builtins ??= OPENAI_EMBEDDING_MODELS.map(([id, config, aliases]) => ({
    model: new OpenAIEmbeddingModel(id, config),
    aliases: [...aliases],
    source: "openai",
  }));
  return builtins;
}

async function pluginEntries(): Promise<Entry[]> {
  const { getPluginEmbeddingModels } = await lazyImport<typeof import("../plugins/extensions.ts")>(
    "../plugins/extensions.ts",
    import.meta.url,
  );
  return (await getPluginEmbeddingModels()).map(({ model, aliases, plugin }) => ({
    model: asEmbeddingModel(model),
    aliases,
    source: plugin,
  }));
}

/**
 * True when a plugin may register embedding models: one is active in this process or named in `LLM_PLUGINS`,
 * or an installed one recorded some. Answering this imports no plugin.
 */
function pluginsMayBeInUse(): boolean {
  return activePluginNames().length > 0 || pluginsFromEnv().length > 0 ||
    enabledRecords().some((record) => record.embeddingModels.length > 0);
}

/** Every entry, first registration of an id winning; duplicates are reported on stderr. */
async function entries(): Promise<Entry[]> {
  const all = [...builtinEntries(), ...(pluginsMayBeInUse() ? await pluginEntries() : []), ...registered];
  const seen = new Map<string, Entry>();
  for (const entry of all) {
    const first = seen.get(entry.model.id);
    if (first) {
      const key = `${entry.model.id}\u0000${entry.source}`;
      if (first.model !== entry.model && !warned.has(key)) {
        warned.add(key);
        console.warn(
          `Warning: Embedding model '${entry.model.id}' from ${entry.source} is already registered by ` +
            `${first.source}; the first one is kept`,
        );
      }
      continue;
    }
    seen.set(entry.model.id, entry);
  }
  return [...seen.values()];
}

/**
 * Registers an embedding model in this process (a plugin's `registerEmbeddingModels` hook does the same
 * for installed plugins). Objects that are not `EmbeddingModel`s of this library are wrapped.
 *
 * @example
 * ```ts
 * import { type EmbeddingInput, EmbeddingModel, getEmbeddingModel, registerEmbeddingModel } from "../../mod.ts";
 * class Lengths extends EmbeddingModel {
 *   constructor() { super("lengths"); }
 *   override embedBatch(items: EmbeddingInput[]) { return Promise.resolve(items.map((i) => [i.length])); }
 * }
 * registerEmbeddingModel(new Lengths(), { aliases: ["len"] });
 * console.log((await getEmbeddingModel("len")).id); // "lengths"
 * ```
 */
export function registerEmbeddingModel(
  model: EmbeddingModelLike,
  options: { aliases?: Iterable<string> } = {},
): void {
  registered.push({ model: asEmbeddingModel(model), aliases: [...(options.aliases ?? [])], source: "code" });
}

/** Every embedding model with its aliases (its own, then the user's aliases.json ones), in registration order. */
export async function getEmbeddingModelsWithAliases(): Promise<EmbeddingModelWithAliases[]> {
  const user = Object.entries(loadUserAliases());
  return (await entries()).map(({ model, aliases }) => ({
    model,
    aliases: [
      ...aliases,
      ...user.filter(([alias, id]) => id === model.id && !aliases.includes(alias)).map(([alias]) => alias),
    ],
  }));
}

/** Every embedding model, in registration order. */
export async function getEmbeddingModels(): Promise<EmbeddingModel[]> {
  return (await entries()).map((e) => e.model);
}

/** Every id and alias mapped to its embedding model (as Python `llm`: later registrations' aliases win). */
export async function getEmbeddingModelAliases(): Promise<Map<string, EmbeddingModel>> {
  const map = new Map<string, EmbeddingModel>();
  for (const { model, aliases } of await getEmbeddingModelsWithAliases()) {
    for (const alias of aliases) map.set(alias, model);
    map.set(model.id, model);
  }
  return map;
}

/**
 * The embedding model with this id or alias; with no argument, the default embedding model.
 *
 * @example
 * ```ts
 * import { getEmbeddingModel } from "../../mod.ts";
 * const model = await getEmbeddingModel("3-small");
 * console.log(model.id); // "text-embedding-3-small"
 * ```
 * @throws {UnknownEmbeddingModelError} naming close matches.
 * @throws {NoDefaultEmbeddingModelError} with no argument when no default is set.
 */
export async function getEmbeddingModel(nameOrAlias?: string): Promise<EmbeddingModel> {
  const name = nameOrAlias ?? getDefaultEmbeddingModel();
  if (name === undefined) throw new NoDefaultEmbeddingModelError();
  const map = await getEmbeddingModelAliases();
  const model = map.get(name);
  if (model) return model;
  throw new UnknownEmbeddingModelError(name, new ModelRegistry([]).suggest(name, [...map.keys()]));
}

function defaultPath(): string {
  return userPath("default_embedding_model.txt");
}

/** The id in `default_embedding_model.txt` (whitespace stripped), or `undefined` when none is set. */
export function getDefaultEmbeddingModel(): string | undefined {
  try {
    return Deno.readTextFileSync(defaultPath()).trim() || undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Sets the default embedding model (an alias is resolved to its id); `null` removes the default.
 * @throws {UnknownEmbeddingModelError} for an unknown model.
 */
export async function setDefaultEmbeddingModel(nameOrAlias: string | null): Promise<void> {
  if (nameOrAlias === null) {
    try {
      Deno.removeSync(defaultPath());
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return;
  }
  const model = await getEmbeddingModel(nameOrAlias);
  Deno.mkdirSync(userPath(), { recursive: true });
  Deno.writeTextFileSync(defaultPath(), model.id);
}
