/**
 * What plugins add besides models: tools, template loaders, fragment loaders and embedding models. Listing
 * what is recorded needs no plugin code; getting the functions imports only the plugins that registered them.
 * Duplicate tool names and loader prefixes get `_1`, `_2`... suffixes, as in Python `llm`.
 * @module
 */
import type { EmbeddingModelLike, FragmentLoader, TemplateLoader, ToolDefinition } from "./api.ts";
import type { Collected, LoaderEntry } from "./collect.ts";
import { errorMessage } from "./errors.ts";
import type { PluginRecord } from "./record.ts";
import { activePlugins, enabledRecords, loadRecordedPlugin, warnPlugin } from "./runtime.ts";

/** A tool with the plugin that registered it. */
export interface PluginTool extends ToolDefinition {
  /** The plugin's name. */
  plugin: string;
}

/** A loader with the plugin that registered it. */
export interface PluginLoader<L> extends LoaderEntry<L> {
  /** The plugin's name. */
  plugin: string;
}

/** A loader as recorded, for listing without importing plugins. */
export interface LoaderListing {
  /** The prefix (with a `_1` suffix when another plugin took it first). */
  prefix: string;
  /** Its description. */
  description?: string;
  /** The plugin's name. */
  plugin: string;
}

/** Gives each name a unique key: the first keeps it, later ones get `_1`, `_2`... */
function uniqueKey(map: Map<string, unknown>, name: string): string {
  if (!map.has(name)) return name;
  let n = 1;
  while (map.has(`${name}_${n}`)) n++;
  return `${name}_${n}`;
}

/**
 * The collected registrations of every enabled plugin whose record says it has `wants` (and of every plugin
 * activated for this run), importing recorded ones. A plugin that fails to load is reported once and skipped.
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

/** Every tool plugins register, keyed by (unique) name. Imports only plugins that recorded tools. */
export async function getPluginTools(): Promise<Map<string, PluginTool>> {
  const tools = new Map<string, PluginTool>();
  for (const { name, collected } of await collectAll((r) => r.tools.length > 0)) {
    for (const tool of collected.tools) tools.set(uniqueKey(tools, tool.name), { ...tool, plugin: name });
  }
  return tools;
}

/** Every template loader, keyed by (unique) prefix. Imports only plugins that recorded template loaders. */
export async function getTemplateLoaders(): Promise<Map<string, PluginLoader<TemplateLoader>>> {
  const loaders = new Map<string, PluginLoader<TemplateLoader>>();
  for (const { name, collected } of await collectAll((r) => r.templateLoaders.length > 0)) {
    for (const entry of collected.templateLoaders) {
      loaders.set(uniqueKey(loaders, entry.prefix), { ...entry, plugin: name });
    }
  }
  return loaders;
}

/** Every fragment loader, keyed by (unique) prefix. Imports only plugins that recorded fragment loaders. */
export async function getFragmentLoaders(): Promise<Map<string, PluginLoader<FragmentLoader>>> {
  const loaders = new Map<string, PluginLoader<FragmentLoader>>();
  for (const { name, collected } of await collectAll((r) => r.fragmentLoaders.length > 0)) {
    for (const entry of collected.fragmentLoaders) {
      loaders.set(uniqueKey(loaders, entry.prefix), { ...entry, plugin: name });
    }
  }
  return loaders;
}

/** Every embedding model plugins register, with its aliases and plugin. */
export async function getPluginEmbeddingModels(): Promise<
  { model: EmbeddingModelLike; aliases: string[]; plugin: string }[]
> {
  const models: { model: EmbeddingModelLike; aliases: string[]; plugin: string }[] = [];
  for (const { name, collected } of await collectAll((r) => r.embeddingModels.length > 0)) {
    for (const { model, aliases } of collected.embeddingModels) models.push({ model, aliases, plugin: name });
  }
  return models;
}

function listLoaders(
  pick: (
    r: Pick<PluginRecord, "templateLoaders" | "fragmentLoaders">,
  ) => { prefix: string; description?: string }[],
): LoaderListing[] {
  const seen = new Map<string, LoaderListing>();
  const activeNames = new Set(activePlugins().map((p) => p.name));
  const sources = [
    ...enabledRecords().filter((r) => !activeNames.has(r.name)).map((r) => ({
      name: r.name,
      loaders: pick(r),
    })),
    ...activePlugins().map((p) => ({ name: p.name, loaders: pick(p.collected) })),
  ];
  for (const { name, loaders } of sources) {
    for (const { prefix, description } of loaders) {
      const key = uniqueKey(seen, prefix);
      seen.set(key, { prefix: key, ...(description === undefined ? {} : { description }), plugin: name });
    }
  }
  return [...seen.values()];
}

/** The template loaders plugins registered, from plugins.json (no plugin is imported). */
export function listTemplateLoaders(): LoaderListing[] {
  return listLoaders((r) => r.templateLoaders);
}

/** The fragment loaders plugins registered, from plugins.json (no plugin is imported). */
export function listFragmentLoaders(): LoaderListing[] {
  return listLoaders((r) => r.fragmentLoaders);
}
