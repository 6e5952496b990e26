/**
 * Which plugins a run uses (the installed ones in plugins.json, narrowed by `LLM_LOAD_PLUGINS`, and those named
 * in `LLM_PLUGINS`), and the once-per-process plugin warnings. Reading them loads no model or plugin code, so
 * `llm --help` can list plugin commands and `llm --version` can answer without activating plugins.
 * @module
 */
import { errorMessage } from "./errors.ts";
import { type PluginRecord, readPluginRecords } from "./record.ts";

const warned = new Set<string>();
let report: (message: string) => void = (message) => console.warn(`Warning: ${message}`);
let activeNames: () => string[] = () => [];

/** What the plugin runtime tells this module when it loads. */
export interface PluginRuntimeLink {
  /** The names of the plugins active in this process (`LLM_PLUGINS`, `loadPlugin()`). */
  activeNames: () => string[];
  /** Where warnings go from then on (the default registry's `onWarning`). */
  report: (message: string) => void;
}

/**
 * Called by the plugin runtime when it loads. Until then no plugin is active, and warnings are printed to
 * stderr as the registry prints them.
 */
export function linkPluginRuntime(link: PluginRuntimeLink): void {
  activeNames = link.activeNames;
  report = link.report;
}

/** The names of the plugins active in this process (none until the plugin runtime is loaded). */
export function activePluginNames(): string[] {
  return activeNames();
}

/** Reports `message` (to stderr by default), unless it was reported before in this process. */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  report(message);
}

/** Reports a problem with a plugin once per process. */
export function warnPlugin(name: string, message: string): void {
  warnOnce(`Plugin ${name}: ${message}`);
}

/** The plugin specifiers named in `LLM_PLUGINS` (comma-separated), to import for this run. */
export function pluginsFromEnv(): string[] {
  return (Deno.env.get("LLM_PLUGINS") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

/** The names in `LLM_LOAD_PLUGINS` (undefined when it is not set; empty for none). */
function loadPluginsFilter(): string[] | undefined {
  const value = Deno.env.get("LLM_LOAD_PLUGINS");
  if (value === undefined) return undefined;
  return value.split(",").map((s) => s.trim()).filter(Boolean);
}

/**
 * The installed plugins this run uses: every record in plugins.json, or only those named in
 * `LLM_LOAD_PLUGINS` (a name that is neither installed nor active is reported once). A broken plugins.json is
 * reported and treated as empty.
 */
export function enabledRecords(): PluginRecord[] {
  let records: PluginRecord[];
  try {
    records = readPluginRecords();
  } catch (error) {
    warnPlugin("plugins.json", errorMessage(error));
    return [];
  }
  const filter = loadPluginsFilter();
  if (!filter) return records;
  for (const name of filter) {
    if (!records.some((r) => r.name === name) && !activeNames().includes(name)) {
      warnPlugin(name, "could not be found; run 'llm plugins' to list installed plugins");
    }
  }
  return records.filter((r) => filter.includes(r.name));
}
