/**
 * Which plugins a run uses (the installed ones in plugins.json, narrowed by `LLM_LOAD_PLUGINS`, and those named
 * in `LLM_PLUGINS`), and the once-per-process plugin warnings. Reading them loads no model or plugin code, so
 * `llm --help` can list plugin commands and `llm --version` can answer without activating plugins.
 * @module
 */
import { errorMessage } from "./errors.ts";
import { type PluginRecord, readPluginRecords } from "./record.ts";

const warned = new Set<string>();
let sink: (message: string) => void = (message) => console.warn(`Warning: ${message}`);

/**
 * Where plugin warnings go. The plugin runtime points it at the default registry's `onWarning` when it
 * loads; until then warnings are printed to stderr as the registry prints them.
 */
export function setPluginWarningSink(report: (message: string) => void): void {
  sink = report;
}

/** Reports `message` (to stderr by default), unless it was reported before in this process. */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  sink(message);
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
 * `LLM_LOAD_PLUGINS` (a name that is neither installed nor `isActive` is reported once). A broken
 * plugins.json is reported and treated as empty.
 */
export function enabledRecords(isActive: (name: string) => boolean = () => false): PluginRecord[] {
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
    if (!records.some((r) => r.name === name) && !isActive(name)) {
      warnPlugin(name, "could not be found; run 'llm plugins' to list installed plugins");
    }
  }
  return records.filter((r) => filter.includes(r.name));
}
