/**
 * Imports plugin modules: an installed plugin from its record (checking the checksums of downloaded files
 * first), or any specifier for this run. Each module is imported once per process.
 * @module
 */
import { isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import { userDir } from "../user/dir.ts";
import { lazyImport } from "../lazy_import.ts";
import type { Plugin } from "./api.ts";
import { verifyPluginFiles } from "./checksum.ts";
import { type Collected, collectRegistrations, isPluginLike } from "./collect.ts";
import { errorMessage, PluginImportError } from "./errors.ts";
import type { PluginRecord } from "./record.ts";
import { parsePluginSpecifier } from "./specifier.ts";

/** A plugin module that has been imported and whose hooks have run. */
export interface LoadedPlugin {
  /** The plugin object (the module's default export). */
  plugin: Plugin;
  /** What its hooks registered. */
  collected: Collected;
  /** The specifier it was loaded from (as recorded or given). */
  specifier: string;
  /** The URL or specifier that was imported. */
  importUrl: string;
}

const cache = new Map<string, Promise<LoadedPlugin>>();

/** True in a `deno compile`d binary, which can import local files but not `https:`, `jsr:` or `npm:` modules. */
export function isCompiledBinary(): boolean {
  return (Deno.build as { standalone?: boolean }).standalone === true;
}

/** The absolute directory of a downloaded plugin. */
export function pluginDir(record: Pick<PluginRecord, "dir">): string | undefined {
  if (!record.dir) return undefined;
  return isAbsolute(record.dir) ? record.dir : join(userDir(), record.dir);
}

/** What to `import()` for a specifier given to `llm install` or `LLM_PLUGINS`, without downloading it. */
export function importUrlOf(specifier: string): string {
  const parsed = parsePluginSpecifier(specifier);
  return parsed.kind === "path" ? pathToFileURL(parsed.specifier).href : parsed.specifier;
}

function refuseInBinary(name: string, url: string): void {
  if (!isCompiledBinary() || url.startsWith("file:")) return;
  throw new PluginImportError(
    name,
    `Plugin '${name}' comes from ${url}, which a compiled llm binary cannot import. Run llm with ` +
      `'deno run -A jsr:@denollm/llm/cli' for this plugin, or install a self-contained build of it ` +
      `(a jsr: package or URL without npm: dependencies, or a local bundled file)`,
  );
}

/** The error for a module at `specifier` whose default export is not a plugin. */
export function notAPlugin(label: string, specifier: string): PluginImportError {
  return new PluginImportError(
    label,
    `${specifier} is not an llm plugin: its default export must be a plugin with a name, ` +
      `e.g. export default definePlugin({ name: "llm-example", registerModels(register) { ... } })`,
  );
}

/**
 * Imports the module at `url` (once per process), checks that its default export is a plugin and runs its
 * hooks. `label` names the plugin in errors.
 *
 * @throws {PluginImportError} when the import fails or the default export is not a plugin.
 */
export function importPlugin(url: string, label: string, specifier: string = url): Promise<LoadedPlugin> {
  let loading = cache.get(url);
  if (!loading) {
    loading = doImport(url, label, specifier);
    cache.set(url, loading);
    loading.catch(() => cache.delete(url));
  }
  return loading;
}

async function doImport(url: string, label: string, specifier: string): Promise<LoadedPlugin> {
  refuseInBinary(label, url);
  let module: Record<string, unknown>;
  try {
    module = await import(url);
  } catch (error) {
    throw new PluginImportError(
      label,
      `Plugin '${label}' could not be imported from ${specifier}: ${errorMessage(error)}`,
      {
        cause: error,
      },
    );
  }
  const plugin = module.default ?? module.plugin;
  if (!isPluginLike(plugin)) throw notAPlugin(label, specifier);
  const collected = await collectRegistrations(plugin);
  return { plugin, collected, specifier, importUrl: url };
}

/**
 * Imports an installed plugin from its record. Downloaded files are checked against their recorded SHA-256
 * first, every time.
 *
 * @throws {PluginIntegrityError} when a downloaded file has changed or is missing.
 * @throws {PluginImportError} when the module cannot be imported.
 */
export async function importRecordedPlugin(record: PluginRecord): Promise<LoadedPlugin> {
  const dir = pluginDir(record);
  if (dir) await verifyPluginFiles(record.name, dir, record.files ?? {});
  const url = dir
    ? pathToFileURL(join(dir, record.entry)).href
    : record.source === "npm" || record.entry.startsWith("file:")
    ? record.entry
    : pathToFileURL(record.entry).href;
  // A plugin granted permissions runs in a Worker with exactly those (see sandbox_loader.ts).
  const { loadSandboxedRecord } = await lazyImport<typeof import("./sandbox_loader.ts")>(
    "./sandbox_loader.ts",
    import.meta.url,
  );
  return await loadSandboxedRecord(record, url) ?? await importPlugin(url, record.name, record.specifier);
}
