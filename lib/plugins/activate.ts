/**
 * The one call that makes plugins available: `loadPlugins()`. The CLI calls it before every command it runs
 * (not for `--version` or help); library users call it once before they look models up. It reads plugins.json
 * (importing no plugin), connects plugins to the template and fragment loader registries, and imports the
 * plugins named in `LLM_PLUGINS`.
 *
 * @example
 * ```ts
 * import { getModel, loadPlugins } from "../../mod.ts";
 * await loadPlugins();
 * console.log(getModel("my-plugin-model").label); // plugin models resolve like built-in ones
 * ```
 * @module
 */
import { errorMessage, PluginError } from "./errors.ts";
import { connectPluginEmbeddingModels, connectPluginLoaders } from "./extensions.ts";
import { pluginsFromEnv, warnOnce, warnPlugin } from "./enabled.ts";
import { loadPlugin, type PluginInfo, registerInstalledPlugins } from "./runtime.ts";

/**
 * Makes plugins available to a library user or a run of the CLI: registers the installed plugins (lazily)
 * and imports those named in `LLM_PLUGINS` (comma-separated specifiers) plus `specifiers`. A plugin that
 * fails is reported once and skipped.
 */
export async function loadPlugins(specifiers: string[] = []): Promise<PluginInfo[]> {
  registerInstalledPlugins();
  connectPluginLoaders();
  connectPluginEmbeddingModels();
  const infos: PluginInfo[] = [];
  for (const spec of [...pluginsFromEnv(), ...specifiers]) {
    try {
      infos.push(await loadPlugin(spec));
    } catch (error) {
      // Plugin errors already name the plugin.
      if (error instanceof PluginError) warnOnce(error.message);
      else warnPlugin(spec, errorMessage(error));
    }
  }
  return infos;
}
