/**
 * The plugin functions of `mod.ts`, with the plugin runtime and installer loaded on first use: importing the
 * library must not cost their modules (18 of them, and the `node:fs`, `node:path` and `node:url` polyfills,
 * which alone took a script that imports mod.ts from 1.4x to 2.2x of an empty `deno run`).
 *
 * Until a plugin is activated here (`loadPlugin`, `loadPlugins`) none is active in the process, so the two
 * synchronous functions can answer without the runtime: {@link getPlugins} lists plugins.json, and
 * {@link unloadPlugin} has nothing to unload.
 * @module
 */
import { lazyImport } from "../lazy_import.ts";
import { activePluginNames, enabledRecords } from "../plugins/enabled.ts";
import { PluginError } from "../plugins/errors.ts";
import { installedPluginInfo } from "../plugins/granted_key.ts";
import type { PluginRecord } from "../plugins/record.ts";
import type { Plugin } from "../plugins/api.ts";
import type { PluginInfo } from "../plugins/runtime.ts";
import type { InstallOptions, InstallResult } from "../plugins/install.ts";

type Runtime = typeof import("../plugins/runtime.ts");

let runtime: Runtime | undefined;

async function loadRuntime(): Promise<Runtime> {
  runtime ??= await lazyImport<Runtime>("../plugins/runtime.ts", import.meta.url);
  return runtime;
}

function install(): Promise<typeof import("../plugins/install.ts")> {
  return lazyImport("../plugins/install.ts", import.meta.url);
}

/** The built-in "plugins", as `llm plugins --all` lists them (the runtime's `BUILTIN_PLUGINS`). */
const BUILTIN: readonly PluginInfo[] = [{
  name: "llm.default_plugins.openai_models",
  hooks: ["register_models"],
}];

/**
 * Makes plugins available: registers the installed plugins' models (importing no plugin until one of its models
 * is used) and imports those named in `LLM_PLUGINS` plus `specifiers`. A plugin that fails is reported once and
 * skipped. Returns the plugins it imported.
 *
 * @example
 * ```ts ignore
 * import { getModel, loadPlugins } from "../../mod.ts";
 * await loadPlugins();
 * console.log(getModel("my-plugin-model").id); // plugin models resolve like built-in ones
 * ```
 */
export async function loadPlugins(specifiers: string[] = []): Promise<PluginInfo[]> {
  await loadRuntime();
  const { loadPlugins } = await lazyImport<typeof import("../plugins/activate.ts")>(
    "../plugins/activate.ts",
    import.meta.url,
  );
  return await loadPlugins(specifiers);
}

/**
 * Activates a plugin for this process: a plugin object (`definePlugin({...})`) or a module specifier to import.
 * Its models join the registry.
 *
 * @example
 * ```ts ignore
 * import { loadPlugin, unloadPlugin } from "../../mod.ts";
 * import { definePlugin } from "../../plugin.ts";
 * await loadPlugin(definePlugin({ name: "llm-nothing" }));
 * unloadPlugin("llm-nothing");
 * ```
 * @throws {PluginImportError} when the module cannot be imported or is not a plugin.
 */
export async function loadPlugin(source: string | Plugin): Promise<PluginInfo> {
  return await (await loadRuntime()).loadPlugin(source);
}

/**
 * Deactivates a plugin activated with {@link loadPlugin}; its models leave the registry. Returns false when no
 * plugin of that name was active.
 */
export function unloadPlugin(name: string): boolean {
  if (runtime) return runtime.unloadPlugin(name);
  if (!activePluginNames().includes(name)) return false;
  throw activatedElsewhere(name);
}

/** Plugins are active, but not through this module: only when lib/plugins/ was imported directly. */
function activatedElsewhere(name: string): PluginError {
  return new PluginError(
    name,
    `Plugin ${name} was activated by importing lib/plugins/runtime.ts directly: use the plugin functions of ` +
      "mod.ts or of that module, not both",
  );
}

/**
 * The plugins in use, as `llm plugins` lists them: the installed ones (honouring `LLM_LOAD_PLUGINS`), then
 * those activated for this run, then with `all` the built-in ones. No plugin code is imported.
 */
export function getPlugins(options: { all?: boolean } = {}): PluginInfo[] {
  if (runtime) return runtime.getPlugins(options);
  const active = activePluginNames();
  if (active.length) throw activatedElsewhere(active[0]);
  const infos: PluginInfo[] = enabledRecords().map(installedPluginInfo);
  if (options.all) infos.push(...BUILTIN.map((p) => ({ ...p, hooks: [...p.hooks] })));
  return infos;
}

/**
 * Installs a plugin from an `https:` URL, `jsr:@scope/name[@range]`, `npm:name[@range]` or a local path, and
 * records it in plugins.json (as `llm install` does).
 *
 * @example
 * ```ts ignore
 * import { installPlugin } from "../../mod.ts";
 * const { record } = await installPlugin("jsr:@someone/llm-shout");
 * console.log(record.name, record.models.map((m) => m.id));
 * ```
 * @throws {PluginInstallError} when the specifier cannot be used, the download fails or a hook throws.
 * @throws {PluginImportError} when the module is not a plugin.
 */
export async function installPlugin(spec: string, options: InstallOptions = {}): Promise<InstallResult> {
  return await (await install()).installPlugin(spec, options);
}

/**
 * Removes an installed plugin (by name or specifier) from plugins.json and deletes its downloaded files.
 * Returns its record, or undefined when no such plugin is installed.
 */
export async function uninstallPlugin(nameOrSpec: string, cwd?: string): Promise<PluginRecord | undefined> {
  return await (await install()).uninstallPlugin(nameOrSpec, cwd);
}
