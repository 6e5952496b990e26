/**
 * What plugins add besides models: tools, embedding models, and template and fragment loaders. Getting
 * them imports only the plugins whose records say they have some. Template and fragment loaders are handed
 * to the loader registries of `lib/loaders/registries.ts` the first time a prefix is looked up, so `-t`/`-f` without a prefix never imports a plugin.
 * Duplicate tool names get `_1`, `_2`... suffixes, as in Python `llm`.
 * @module
 */
import type { EmbeddingModelLike, ToolboxClass, ToolDefinition } from "./api.ts";
import { fragmentLoaderRegistry, templateLoaderRegistry } from "../loaders/registries.ts";
import type { Collected } from "./collect.ts";
import { addEmbeddingModelSource, type EmbeddingModelSource } from "../embeddings/sources.ts";
import { errorMessage } from "./errors.ts";
import type { PluginRecord } from "./record.ts";
import { enabledRecords, warnPlugin } from "./enabled.ts";
import { activePlugins, loadRecordedPlugin } from "./runtime.ts";

/** A tool with the plugin that registered it. */
export interface PluginTool extends ToolDefinition {
  /** The plugin's name. */
  plugin: string;
}

/** An embedding model with its aliases and the plugin that registered it. */
export interface PluginEmbeddingModel {
  /** The model. */
  model: EmbeddingModelLike;
  /** Aliases the plugin gave it. */
  aliases: string[];
  /** The plugin's name. */
  plugin: string;
}

/**
 * The registrations of every enabled plugin whose record says it has `wants` (importing those), then of every
 * plugin activated for this run. A plugin that fails to load is reported once and skipped.
 */
async function collectAll(
  wants: (r: PluginRecord) => boolean,
): Promise<{ name: string; collected: Collected }[]> {
  const result: { name: string; collected: Collected }[] = [];
  const activeNames = new Set(activePlugins().map((p) => p.name));
  for (const record of enabledRecords()) {
    if (activeNames.has(record.name) || !wants(record)) continue;
    try {
      result.push({ name: record.name, collected: (await loadRecordedPlugin(record)).collected });
    } catch (error) {
      warnPlugin(record.name, errorMessage(error));
    }
  }
  for (const { name, collected } of activePlugins()) result.push({ name, collected });
  return result;
}

/** Every tool plugins register, keyed by name (`name_1` for a name taken before). */
export async function getPluginTools(): Promise<Map<string, PluginTool>> {
  const tools = new Map<string, PluginTool>();
  for (const { name, collected } of await collectAll((r) => r.tools.length > 0)) {
    for (const tool of collected.tools) {
      let key = tool.name;
      for (let n = 1; tools.has(key); n++) key = `${tool.name}_${n}`;
      tools.set(key, { ...tool, plugin: name });
    }
  }
  return tools;
}

/** A toolbox class with the plugin that registered it. */
export interface PluginToolbox {
  /** The class. */
  toolbox: ToolboxClass;
  /** The plugin's name. */
  plugin: string;
}

/** Every toolbox class plugins register, keyed by class name. */
export async function getPluginToolboxes(): Promise<Map<string, PluginToolbox>> {
  const toolboxes = new Map<string, PluginToolbox>();
  for (const { name, collected } of await collectAll((r) => r.tools.length > 0)) {
    for (const toolbox of collected.toolboxes) {
      if (!toolboxes.has(toolbox.name)) toolboxes.set(toolbox.name, { toolbox, plugin: name });
    }
  }
  return toolboxes;
}

/** Every embedding model plugins register. */
export async function getPluginEmbeddingModels(): Promise<PluginEmbeddingModel[]> {
  const models: PluginEmbeddingModel[] = [];
  for (const { name, collected } of await collectAll((r) => r.embeddingModels.length > 0)) {
    for (const { model, aliases } of collected.embeddingModels) models.push({ model, aliases, plugin: name });
  }
  return models;
}

/** The plugins' embedding models as a source of the embedding model registry: imports only the plugins that
 * recorded embedding models (and those active in this process). */
const pluginEmbeddingSource: EmbeddingModelSource = async () =>
  (await getPluginEmbeddingModels()).map(({ model, aliases, plugin }) => ({
    model,
    aliases,
    source: plugin,
  }));

/** Connects plugins to the embedding model registry. Idempotent. */
export function connectPluginEmbeddingModels(): void {
  addEmbeddingModelSource(pluginEmbeddingSource);
}

const handedOver = new Set<string>();
let connected = false;

/** Registers every plugin's template loaders with the template loader registry, once per plugin. */
async function handOverTemplateLoaders(): Promise<void> {
  for (const { name, collected } of await collectAll((r) => r.templateLoaders.length > 0)) {
    if (handedOver.has(`t\u0000${name}`)) continue;
    handedOver.add(`t\u0000${name}`);
    for (const { prefix, loader, description } of collected.templateLoaders) {
      templateLoaderRegistry.register(prefix, loader, description ?? "");
    }
  }
}

/** Registers every plugin's fragment loaders with the fragment loader registry, once per plugin. */
async function handOverFragmentLoaders(): Promise<void> {
  for (const { name, collected } of await collectAll((r) => r.fragmentLoaders.length > 0)) {
    if (handedOver.has(`f\u0000${name}`)) continue;
    handedOver.add(`f\u0000${name}`);
    for (const { prefix, loader, description } of collected.fragmentLoaders) {
      fragmentLoaderRegistry.register(prefix, loader, description ?? "");
    }
  }
}

/**
 * Connects plugins to the template and fragment loader registries: the first lookup of a prefix imports the
 * plugins that recorded loaders and registers them. Idempotent.
 */
export function connectPluginLoaders(): void {
  if (connected) return;
  connected = true;
  templateLoaderRegistry.beforeLookup(handOverTemplateLoaders);
  fragmentLoaderRegistry.beforeLookup(handOverFragmentLoaders);
}
