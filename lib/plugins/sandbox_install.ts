/**
 * Installing a plugin with its permissions: it is first imported in a Worker that may only read its code (no
 * hook runs), which says what it asks for; the user is asked to grant that (again when an upgrade asks for
 * more than was granted); then its hooks run in a Worker with the grant, and what they registered is
 * recorded with the grant. A plugin that declares nothing is imported in-process as before, and the user is
 * told that it runs unrestricted (`LLM_PLUGIN_SANDBOX=strict` sandboxes it with no permissions instead).
 * @module
 */
import { importPlugin, type LoadedPlugin, notAPlugin } from "./loader.ts";
import { PluginGrantRefusedError, PluginImportError } from "./errors.ts";

export { PluginGrantRefusedError };
import {
  describePermissions,
  normalizePermissions,
  permissionsBeyond,
  type PluginPermissions,
} from "./permissions.ts";
import type { PluginRecord, Registrations } from "./record.ts";
import {
  inspectInSandbox,
  registerInSandbox,
  reportSandboxUnavailable,
  sandboxMode,
  SandboxUnavailableError,
} from "./sandbox_loader.ts";
import { PluginPermissionError } from "./sandbox_wire.ts";

/** What a plugin asks the user to grant at install. */
export interface PermissionRequest {
  /** The plugin's name. */
  plugin: string;
  /** Its version. */
  version?: string;
  /** Where it is installed from. */
  specifier: string;
  /** Everything it asks for. */
  permissions: PluginPermissions;
  /** The same, as lines to show (`network: api.anthropic.com`). */
  lines: string[];
  /** For an upgrade of a plugin granted before: what it asks for beyond that grant, as lines. */
  added?: string[];
}

/** Asks the user to grant a request; true to grant it. */
export type ApprovePermissions = (request: PermissionRequest) => boolean | Promise<boolean>;

/** How {@link loadForInstall} is told about the plugin. */
export interface InstallLoad {
  /** The module to import. */
  url: string;
  /** What the user typed, for messages. */
  label: string;
  /** The specifier to record. */
  specifier: string;
  /** Directories of its code, which the Worker may read. */
  codeDirs: string[];
  /** The installed record of a plugin of this name, if any (an upgrade). */
  previous(name: string): PluginRecord | undefined;
  /** Asks the user; without it a plugin that asks for permissions is refused. */
  approve?: ApprovePermissions;
  /** Told that a plugin runs unrestricted. */
  onWarning?: (message: string) => void;
}

/** A plugin loaded for installing, with the record fields of its permissions. */
export interface InstallLoaded {
  /** The plugin and what it registered. */
  loaded: LoadedPlugin;
  /** What it registered as the record has it, when it registered in a Worker. */
  registrations?: Registrations;
  /** `permissions` and `grant`, or `unrestricted`. */
  fields: Pick<PluginRecord, "permissions" | "grant" | "unrestricted">;
}

function unrestrictedWarning(name: string): string {
  return `Plugin ${name} declares no permissions, so it runs unrestricted, with all of llm's access to your ` +
    "files, keys and network; set LLM_PLUGIN_SANDBOX=strict to run it in a sandbox with no permissions";
}

async function grantFor(
  load: InstallLoad,
  info: { name: string; version?: string },
  permissions: PluginPermissions,
): Promise<PluginRecord["grant"]> {
  const before = load.previous(info.name)?.grant;
  const lines = describePermissions(permissions);
  const added = before ? permissionsBeyond(permissions, before.permissions) : undefined;
  if (before && !added?.length) return { permissions, grantedAt: before.grantedAt };
  if (lines.length) {
    const request: PermissionRequest = {
      plugin: info.name,
      ...(info.version ? { version: info.version } : {}),
      specifier: load.specifier,
      permissions,
      lines,
      ...(added ? { added } : {}),
    };
    if (!(await load.approve?.(request))) throw new PluginGrantRefusedError(request);
  }
  return { permissions, grantedAt: new Date().toISOString() };
}

/**
 * Loads a plugin for `llm install`: inspected in a Worker, granted, registered in a Worker; or, when it
 * declares nothing, imported in-process.
 *
 * @throws {PluginGrantRefusedError} when the user does not grant what it asks for.
 * @throws {PluginImportError} when it cannot be imported, or needs permissions just to be imported.
 */
export async function loadForInstall(load: InstallLoad): Promise<InstallLoaded> {
  let inspection;
  try {
    inspection = await inspectInSandbox(load.url, load.label, load.codeDirs);
  } catch (error) {
    if (error instanceof SandboxUnavailableError) {
      reportSandboxUnavailable(load.label, error); // throws in strict mode
      return await inProcess(load);
    }
    if (error instanceof PluginPermissionError) {
      throw new PluginImportError(
        load.label,
        `${load.specifier} could not be imported without permissions: it asked for ${error.permission} ` +
          `access to ${error.target} while its module loaded. A plugin uses its permissions in its hooks, ` +
          "models and commands, not at import",
        { cause: error },
      );
    }
    if ((error as Error)?.name === "NotAPlugin") throw notAPlugin(load.label, load.specifier);
    throw new PluginImportError(
      load.label,
      `Plugin '${load.label}' could not be imported from ${load.specifier}: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
  const { info, permissions } = inspection;
  if (permissions === undefined && sandboxMode() !== "strict") {
    load.onWarning?.(unrestrictedWarning(info.name));
    const { loaded } = await inProcess(load);
    return { loaded, fields: { unrestricted: true } };
  }
  const granted = permissions ?? {};
  const grant = await grantFor(load, info, granted);
  const loaded = await registerInSandbox(load.url, info.name, granted, load.codeDirs);
  return {
    loaded,
    registrations: loaded.registrations,
    fields: { ...(permissions ? { permissions } : {}), grant },
  };
}

/** Imported in-process (Worker permissions not available here, or a plugin that declares nothing). */
async function inProcess(load: InstallLoad): Promise<InstallLoaded> {
  const loaded = await importPlugin(load.url, load.label, load.specifier);
  const permissions = normalizePermissions(loaded.plugin.permissions, loaded.plugin.name);
  if (!permissions) {
    return { loaded, fields: { unrestricted: true } };
  }
  const grant = await grantFor(load, loaded.plugin, permissions);
  return { loaded, fields: { permissions, grant } };
}
