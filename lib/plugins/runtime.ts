/**
 * The plugins of this process: installed ones (from plugins.json, imported only when needed) and ones
 * activated for this run (`LLM_PLUGINS`, `loadPlugin()`). Their models join the model registry; a plugin
 * that fails produces one warning naming it and everything else keeps working.
 * @module
 */
import { Model } from "../models/model.ts";
import { conflictMessage, type RegisterModel } from "../models/model_registry.ts";
import { addModelSource, registry } from "../default_registry.ts";
import type { Plugin } from "./api.ts";
import {
  type Collected,
  collectRegistrations,
  type ModelLike,
  pluginHooks,
  registrationsOf,
} from "./collect.ts";
import { errorMessage, PluginError, PluginImportError } from "./errors.ts";
import { importPlugin, importRecordedPlugin, importUrlOf, type LoadedPlugin } from "./loader.ts";
import { PluginModel } from "./plugin_model.ts";
import { pickRegistrations, type PluginRecord, refreshRegistrations, type Registrations } from "./record.ts";
import { enabledRecords, linkPluginRuntime, warnPlugin } from "./enabled.ts";
import type { PluginPermissions } from "./permissions.ts";
import { effectivePermissions, grantedKey, installedPluginInfo } from "./granted_key.ts";

/** A plugin as `llm plugins` lists it. */
export interface PluginInfo {
  /** Its name. */
  name: string;
  /** The hooks it implements (`register_models`, ...). */
  hooks: string[];
  /** Its version, when known. */
  version?: string;
  /** Where it comes from: a path, URL, `jsr:` or `npm:` specifier; absent for built-in plugins. */
  specifier?: string;
  /**
   * What it may do: the permissions it was granted (its Worker has exactly these), or `unrestricted` for a
   * plugin that runs in-process with llm's permissions. Absent for built-in plugins.
   */
  permissions?: PluginPermissions | "unrestricted";
}

/** A plugin activated for this run, with what it registered. */
export interface ActivePlugin {
  /** Its name. */
  name: string;
  /** The plugin object. */
  plugin: Plugin;
  /** What its hooks registered. */
  collected: Collected;
  /** Where it came from, if it was imported. */
  specifier?: string;
}

const active = new Map<string, ActivePlugin>();
let sourceAdded = false;

// From now on plugin warnings go through the default registry's onWarning (tests and embedders redirect it).
linkPluginRuntime({
  activeNames: () => [...active.keys()],
  report: (message) => registry.onWarning(message),
});

/** Registers a loaded plugin's models: this library's models as they are, others wrapped. */
function registerCollected(name: string, collected: Collected, register: RegisterModel): void {
  for (const { model, aliases } of collected.models) {
    const ours = model instanceof Model ? model : PluginModel.wrap(model, name);
    register(ours, { aliases, source: name });
  }
}

const installedSource = {
  name: "installed plugins",
  // Names its models lose to earlier ones are reported by `llm install` and `llm plugins`, not on each run.
  quiet: true,
  load(register: RegisterModel): void {
    for (const record of enabledRecords()) {
      if (active.has(record.name)) continue; // its live registrations come from its own source
      for (const model of record.models) {
        // A plugin granted permissions gets only the keys it declared (see granted_key.ts).
        const granted = effectivePermissions(record);
        const keyOf = granted
          ? (m: Model, explicit?: string) => grantedKey(m, record.name, granted, explicit)
          : undefined;
        const lazy = PluginModel.lazy(
          model,
          record.name,
          () => resolveRecordedModel(record, model.id),
          keyOf,
        );
        register(lazy, { aliases: model.aliases, source: record.name });
      }
    }
  },
};

/**
 * Adds the installed plugins' models (from plugins.json, without importing any plugin) to the registry.
 * Cheap and idempotent: the CLI calls it before every command; library users call it (or {@link loadPlugins})
 * once.
 */
export function registerInstalledPlugins(): void {
  if (sourceAdded) return;
  sourceAdded = true;
  addModelSource(installedSource);
}

/**
 * Imports an installed plugin (once per process), reports hook failures once, and refreshes its record in
 * plugins.json when what it registers has changed.
 */
export async function loadRecordedPlugin(record: PluginRecord): Promise<LoadedPlugin> {
  const current = active.get(record.name);
  if (current) {
    return {
      plugin: current.plugin,
      collected: current.collected,
      specifier: record.specifier,
      importUrl: "",
    };
  }
  const loaded = await importRecordedPlugin(record);
  for (const problem of loaded.collected.problems) warnPlugin(record.name, problem);
  // What a plugin registers can change without its files changing (a provider's list of local models), so
  // the record follows whatever it registered this time; it is only rewritten when something differs.
  try {
    const version = loaded.plugin.version ?? record.resolvedVersion;
    if (!(await unchangedApartFromOptions(record, loaded, version))) {
      refreshRegistrations(record.name, await registrationsOf(loaded.plugin, loaded.collected), version);
    }
  } catch (error) {
    warnPlugin(record.name, `could not update plugins.json: ${errorMessage(error)}`);
  }
  return loaded;
}

/**
 * True when a plugin with a version registers what its record says, options aside, at the recorded version.
 * Its options are then taken as recorded: describing them loads zod and costs 100 ms or more on every
 * prompt, and a plugin that changes its options changes its version (or `llm install --force-reinstall`
 * records them again).
 */
async function unchangedApartFromOptions(
  record: PluginRecord,
  loaded: LoadedPlugin,
  version: string | undefined,
): Promise<boolean> {
  if (!version || version !== record.version) return false;
  const fresh = pickRegistrations(
    await registrationsOf(loaded.plugin, loaded.collected, { withOptions: false }),
  );
  const recorded = pickRegistrations(record);
  const strip = (r: Registrations) => ({ ...r, models: r.models.map((m) => ({ ...m, options: [] })) });
  return JSON.stringify(strip(fresh)) === JSON.stringify(strip(recorded));
}

/** The live model behind a recorded one: imports its plugin and finds the model by id. */
async function resolveRecordedModel(record: PluginRecord, id: string): Promise<ModelLike> {
  const loaded = await loadRecordedPlugin(record);
  const found = loaded.collected.models.find(({ model }) => model.id === id);
  if (found) return found.model;
  throw new PluginError(
    record.name,
    `Plugin '${record.name}' no longer provides the model '${id}'. Run 'llm models' to list the models it has now`,
  );
}

/**
 * Activates a plugin for this process: a plugin object, or a specifier (path, URL, `jsr:`, `npm:`) to import.
 * Its models join the registry, replacing those of an installed plugin with the same name.
 *
 * @example
 * ```ts
 * import { loadPlugin } from "../../mod.ts";
 * import { definePlugin } from "../../plugin.ts";
 * await loadPlugin(definePlugin({ name: "llm-nothing" }));
 * ```
 * @throws {PluginImportError} when the module cannot be imported or is not a plugin.
 */
export async function loadPlugin(source: string | Plugin): Promise<PluginInfo> {
  let plugin: Plugin, collected: Collected, specifier: string | undefined;
  if (typeof source === "string") {
    if ((Deno.env.get("LLM_PLUGIN_SANDBOX") ?? "").trim().toLowerCase() === "strict") {
      throw new PluginImportError(
        source,
        `Plugin ${source} was not loaded: a plugin loaded for one run (LLM_PLUGINS) runs in-process, ` +
          "unrestricted, which LLM_PLUGIN_SANDBOX=strict refuses; install it to run it in its sandbox",
      );
    }
    const loaded = await importPlugin(importUrlOf(source), source, source);
    ({ plugin, collected } = loaded);
    specifier = source;
  } else {
    if (typeof source?.name !== "string" || !source.name) {
      throw new PluginImportError(
        String(source),
        'A plugin needs a name: definePlugin({ name: "llm-example" })',
      );
    }
    plugin = source;
    collected = await collectRegistrations(plugin);
  }
  const name = plugin.name;
  for (const problem of collected.problems) warnPlugin(name, problem);
  const replaces = active.has(name) || enabledRecords().some((r) => r.name === name);
  const entry: ActivePlugin = { name, plugin, collected, specifier };
  active.set(name, entry);
  registerInstalledPlugins();
  if (replaces) registry.reload(); // drop the models registered for this name before
  addModelSource({
    name,
    quiet: true,
    load: (register) => active.get(name) === entry && registerCollected(name, collected, register),
  });
  return {
    name,
    hooks: pluginHooks(plugin),
    ...(plugin.version ? { version: plugin.version } : {}),
    specifier,
  };
}

/**
 * Deactivates a plugin activated with {@link loadPlugin}; its models leave the registry (which is reloaded).
 * Returns false when no plugin of that name was active.
 */
export function unloadPlugin(name: string): boolean {
  if (!active.delete(name)) return false;
  registry.reload();
  return true;
}

/** The plugins activated for this run (not from plugins.json). */
export function activePlugins(): ActivePlugin[] {
  return [...active.values()];
}

/** The built-in "plugins", as `llm plugins --all` lists them. */
export const BUILTIN_PLUGINS: readonly PluginInfo[] = [
  { name: "llm.default_plugins.openai_models", hooks: ["register_models"] },
];

/**
 * The plugins in use, as `llm plugins` lists them: installed ones (honouring `LLM_LOAD_PLUGINS`), then those
 * activated for this run, then with `all` the built-in ones. No plugin code is imported.
 */
export function getPlugins(options: { all?: boolean } = {}): PluginInfo[] {
  const infos: PluginInfo[] = [];
  for (const record of enabledRecords()) {
    if (active.has(record.name)) continue;
    infos.push(installedPluginInfo(record));
  }
  for (const { name, plugin, specifier } of active.values()) {
    infos.push({
      name,
      hooks: pluginHooks(plugin),
      ...(plugin.version ? { version: plugin.version } : {}),
      ...(specifier ? { specifier } : {}),
      permissions: "unrestricted",
    });
  }
  if (options.all) infos.push(...BUILTIN_PLUGINS.map((p) => ({ ...p, hooks: [...p.hooks] })));
  return infos;
}

/**
 * The names (model ids and aliases) that plugins in use asked for but did not get, because a built-in model
 * or an earlier plugin holds them: one message each, as `llm plugins` and `llm install` report them.
 */
export function pluginConflictMessages(): string[] {
  const plugins = new Set(getPlugins().map((p) => p.name));
  return registry.conflicts()
    .filter((c) => c.source !== undefined && plugins.has(c.source))
    .map((c) => `Plugin ${c.source}: ${conflictMessage(c)}`);
}
