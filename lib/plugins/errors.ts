/**
 * Errors of the plugin system: a plugin that cannot be found, installed, imported or trusted.
 * @module
 */
import { LlmError } from "../models/errors.ts";
import type { PermissionRequest } from "./sandbox_install.ts";

/** Base class of plugin errors; `plugin` names the plugin or specifier involved. */
export class PluginError extends LlmError {
  /** The plugin's name or the specifier it was installed from. */
  readonly plugin: string;
  /** Creates the error for `plugin`. */
  constructor(plugin: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.plugin = plugin;
  }
}

/** A specifier that `llm install` cannot use, or a download that failed. */
export class PluginInstallError extends PluginError {}

/** A plugin module that could not be imported, or whose default export is not a plugin. */
export class PluginImportError extends PluginError {}

/**
 * A downloaded plugin file whose SHA-256 no longer matches the one recorded when it was installed (or that
 * the registry's manifest promised).
 */
export class PluginIntegrityError extends PluginError {
  /** The file, relative to the plugin's directory. */
  readonly file: string;
  /** Creates the error for `file` of `plugin`. */
  constructor(plugin: string, file: string, message: string) {
    super(plugin, message);
    this.file = file;
  }
}

/** A plugin tried something its permissions do not allow. */
export class PluginPermissionError extends PluginError {
  /** The kind of permission: `read`, `write`, `net`, `env`, `run`, `ffi`, `sys` or `import`. */
  readonly permission: string;
  /** What it was refused: a path, a host, a variable, a program. */
  readonly target: string;
  /** Creates the error for `plugin`. */
  constructor(plugin: string, permission: string, target: string, options?: { cause?: unknown }) {
    super(
      plugin,
      `Plugin '${plugin}' was refused ${permission} access to ${target}: its permissions do not include it. ` +
        `'llm plugins' shows what it was granted; a plugin that needs more must declare it, and ` +
        `'llm install --upgrade' then asks you to grant it`,
      options,
    );
    this.permission = permission;
    this.target = target;
  }
}

/** A sandboxed plugin's Worker crashed, hung or could not start: only the calls it had running fail. */
export class PluginCrashError extends PluginError {}

/** The user did not grant what a plugin asks for, so it was not installed (or not upgraded). */
export class PluginGrantRefusedError extends PluginInstallError {
  /** What it asked for. */
  readonly request: PermissionRequest;
  /** Creates the error for `request`. */
  constructor(request: PermissionRequest) {
    super(
      request.plugin,
      `Plugin '${request.plugin}' was not installed: its permissions were not granted (${
        (request.added ?? request.lines).join("; ")
      })`,
    );
    this.request = request;
  }
}

/** The message of any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
