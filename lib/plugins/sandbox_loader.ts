/**
 * When a plugin runs sandboxed, and how it is started: `LLM_PLUGIN_SANDBOX` (unset, `strict` or `off`), the
 * plugin's record (what it was granted), and whether this Deno can give a Worker its own permissions. Also
 * the two steps of installing a plugin in a sandbox: inspecting it (imported with no permissions, no hook
 * run) and registering it (its hooks run with what the user granted).
 *
 * - unset: a plugin that declared permissions runs in a Worker with exactly its grant; one that declared
 *   nothing runs in-process, unrestricted, and the user is told so once.
 * - `strict`: every plugin runs in a Worker; one that declared nothing gets no permissions at all. Nothing
 *   runs unrestricted: where Worker permissions are not available, plugins are refused.
 * - `off`: every plugin runs in-process with llm's permissions (for debugging a plugin).
 *
 * Where Worker permissions are not available (Deno started without `--unstable-worker-options`), the default
 * mode says so once and runs the plugin in-process; `strict` refuses it.
 * @module
 */
import { userDir } from "../user/dir.ts";
import { HOOK_NAMES, type Plugin } from "./api.ts";
import { PluginError } from "./errors.ts";
import type { LoadedPlugin } from "./loader.ts";
import { normalizePermissions, type PluginPermissions } from "./permissions.ts";
import { hostFor, permissionsOf } from "./sandbox_hosts.ts";
import { type PluginRecord, readPluginRecords, writePluginRecords } from "./record.ts";
import { SandboxHost, SandboxUnavailableError } from "./sandbox_host.ts";
import type { ReadyInfo } from "./sandbox_protocol.ts";
import { sandboxCollected } from "./sandbox_proxies.ts";
import { grantedKeys } from "./granted_key.ts";

export { libraryCodeDirs, pluginCodeDirs } from "./sandbox_hosts.ts";
import { warnOnce, warnPlugin } from "./enabled.ts";

/** How plugins are run, from `LLM_PLUGIN_SANDBOX`. */
export type SandboxMode = "default" | "strict" | "off";

/** The mode `LLM_PLUGIN_SANDBOX` asks for: `strict`, `off` (or `0`, `false`), else the default. */
export function sandboxMode(): SandboxMode {
  const value = (Deno.env.get("LLM_PLUGIN_SANDBOX") ?? "").trim().toLowerCase();
  if (value === "strict") return "strict";
  if (value === "off" || value === "0" || value === "false") return "off";
  return "default";
}

/** A host-side plugin object standing for the one in the Worker: its name, version and (empty) hooks. */
function stubPlugin(info: ReadyInfo): Plugin {
  const stub: Record<string, unknown> = { name: info.name };
  if (info.version) stub.version = info.version;
  for (const [key, hook] of Object.entries(HOOK_NAMES)) if (info.hooks.includes(hook)) stub[key] = () => {};
  return stub as unknown as Plugin;
}

/** Tells the user once that `record` runs unrestricted, and remembers that it was told. */
function noteUnrestricted(record: PluginRecord): void {
  if (record.unrestricted) return;
  warnPlugin(
    record.name,
    "declares no permissions, so it runs unrestricted, with all of llm's access to your files, keys and " +
      "network; set LLM_PLUGIN_SANDBOX=strict to run it in a sandbox with no permissions",
  );
  try {
    const records = readPluginRecords();
    const stored = records.find((r) => r.name === record.name);
    if (stored) {
      stored.unrestricted = true;
      writePluginRecords(records);
    }
  } catch {
    // Told again next time.
  }
}

/** Says once that plugins cannot be sandboxed here and run unrestricted, or refuses in strict mode. */
function unavailable(name: string, error: SandboxUnavailableError): void {
  if (sandboxMode() === "strict") {
    throw new SandboxUnavailableError(
      name,
      `Plugin '${name}' cannot run: ${error.message}. LLM_PLUGIN_SANDBOX=strict refuses to run it unrestricted`,
      { cause: error },
    );
  }
  warnOnce(
    `${error.message}. Plugins run unrestricted, with all of llm's permissions, until then; set ` +
      "LLM_PLUGIN_SANDBOX=strict to refuse them instead",
  );
}

/**
 * Starts an installed plugin in its Worker when its record and the mode say it runs sandboxed; `undefined`
 * when it runs in-process instead (it declared nothing, or the mode is `off`, or Worker permissions are not
 * available here and the mode allows falling back).
 *
 * @throws {PluginError} for a plugin that asks for permissions it was never granted, or that strict mode
 * refuses.
 */
export async function loadSandboxedRecord(
  record: PluginRecord,
  url: string,
): Promise<LoadedPlugin | undefined> {
  const mode = sandboxMode();
  if (mode === "off") return undefined;
  let granted: PluginPermissions;
  if (record.grant) granted = record.grant.permissions;
  else if (record.permissions) {
    throw new PluginError(
      record.name,
      `Plugin '${record.name}' asks for permissions it was never granted; install it again to review them`,
    );
  } else if (mode === "strict") granted = {};
  else {
    noteUnrestricted(record);
    return undefined;
  }
  const host = hostFor(record, url, granted);
  let ready;
  try {
    ready = await host.start();
  } catch (error) {
    if (!(error instanceof SandboxUnavailableError)) throw error;
    unavailable(record.name, error);
    return undefined;
  }
  // Options are described when the plugin is installed (describing them loads zod): keep the recorded ones.
  for (const model of ready.registrations?.models ?? []) {
    const recorded = record.models.find((m) => m.id === model.id);
    if (!model.options.length && recorded) model.options = recorded.options;
  }
  return {
    plugin: stubPlugin(ready.info),
    collected: sandboxCollected(host, ready, record.name, granted),
    specifier: record.specifier,
    importUrl: url,
  };
}

/** What inspecting a plugin found: what it is and what it asks for. */
export interface Inspection {
  /** Its name, version and hooks. */
  info: ReadyInfo;
  /** What it declares (undefined: nothing). */
  permissions: PluginPermissions | undefined;
}

/**
 * Imports the plugin at `url` in a Worker that may only read its code, and returns what it says of itself.
 * No hook runs.
 *
 * @throws {SandboxUnavailableError} when Worker permissions are not available here.
 */
export async function inspectInSandbox(url: string, label: string, codeDirs: string[]): Promise<Inspection> {
  const host = new SandboxHost({
    name: label,
    url,
    permissions: permissionsOf(label, {}, codeDirs),
    userDir: userDir(),
    inspect: true,
  });
  try {
    const ready = await host.start();
    return { info: ready.info, permissions: normalizePermissions(ready.info.permissions, ready.info.name) };
  } finally {
    host.stop();
  }
}

/**
 * Runs a plugin's hooks in a Worker with `granted`, for installing it: what it registered (options
 * described), as proxies and as the record's fields. The Worker is stopped before this returns.
 */
export async function registerInSandbox(
  url: string,
  name: string,
  granted: PluginPermissions,
  codeDirs: string[],
): Promise<
  LoadedPlugin & { registrations: NonNullable<Awaited<ReturnType<SandboxHost["start"]>>["registrations"]> }
> {
  const host = new SandboxHost({
    name,
    url,
    permissions: permissionsOf(name, granted, codeDirs),
    userDir: userDir(),
    withOptions: true,
    keys: () => grantedKeys(granted),
  });
  try {
    const ready = await host.start();
    return {
      plugin: stubPlugin(ready.info),
      collected: sandboxCollected(host, ready, name, granted),
      specifier: url,
      importUrl: url,
      registrations: ready.registrations!,
    };
  } finally {
    host.stop();
  }
}

export { SandboxUnavailableError };
export { unavailable as reportSandboxUnavailable };
