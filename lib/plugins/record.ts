/**
 * `plugins.json` in the user directory: one record per installed plugin, with where it came from, where its
 * files are, their SHA-256 checksums, and what it registered when it was last imported. Listing models,
 * commands or plugins reads only this file, so no plugin code runs until one of its features is used.
 *
 * @module
 */
import { userPath } from "../user/dir.ts";
import { readJsonObject, writeJsonFile } from "../user/json_file.ts";
import type { OptionInfo } from "../models/options.ts";
import type { ServerSideToolInfo } from "../models/tool_spec.ts";
import { ConfigError } from "../user/config_error.ts";
import type { PluginPermissions } from "./permissions.ts";

/** How a plugin was installed. */
export type PluginSourceKind = "path" | "url" | "jsr" | "npm";

/** A model as a plugin registered it: enough to list it and to show its options without the plugin. */
export interface ModelRecord {
  /** The model id. */
  id: string;
  /** Aliases the plugin gave it. */
  aliases: string[];
  /** How `llm models` shows it. */
  label: string;
  /** Whether it can stream. */
  canStream: boolean;
  /** Whether it accepts a JSON Schema for its output. */
  supportsSchema: boolean;
  /** Whether it can call tools. */
  supportsTools: boolean;
  /** MIME types of the attachments it accepts, sorted. */
  attachmentTypes: string[];
  /** The keys.json name of its key, if it needs one. */
  needsKey?: string;
  /** The environment variable that may hold its key. */
  keyEnvVar?: string;
  /** Its options, as `describeOptions` shows them. */
  options: OptionInfo[];
  /** The tools its provider runs itself (`-T WebSearch`), when it has any. */
  serverSideTools?: ServerSideToolInfo[];
}

/** A command as a plugin registered it. */
export interface CommandRecord {
  /** The command name typed after `llm`. */
  name: string;
  /** Its one-line summary. */
  summary: string;
}

/** A template or fragment loader as a plugin registered it. */
export interface LoaderRecord {
  /** The prefix, as in `-t prefix:name` or `-f prefix:arg`. */
  prefix: string;
  /** Its description, if it gave one. */
  description?: string;
}

/** What a plugin registered: every hook's results. */
export interface Registrations {
  /** Hooks it implements, by Python `llm`'s names (`register_models`, ...). */
  hooks: string[];
  /** Chat models. */
  models: ModelRecord[];
  /** Embedding models. */
  embeddingModels: { id: string; aliases: string[] }[];
  /** Top-level commands. */
  commands: CommandRecord[];
  /** Tool names. */
  tools: string[];
  /** Template loaders. */
  templateLoaders: LoaderRecord[];
  /** Fragment loaders. */
  fragmentLoaders: LoaderRecord[];
}

/** What the user granted a plugin that declares permissions: its Worker gets exactly these. */
export interface PluginGrant {
  /** The permissions granted (what the plugin asked for when it was granted). */
  permissions: PluginPermissions;
  /** When they were granted (ISO 8601). */
  grantedAt: string;
}

/** One installed plugin. */
export interface PluginRecord extends Registrations {
  /** The plugin's name (its `name` field). */
  name: string;
  /** Its version: the plugin's `version`, else the version installed from the registry. */
  version?: string;
  /** What the user installed: an absolute path, a URL, `jsr:...` or `npm:...`. */
  specifier: string;
  /** How it was installed. */
  source: PluginSourceKind;
  /** The JSR version that was resolved, for `jsr:` plugins. */
  resolvedVersion?: string;
  /** For downloaded plugins: their directory, relative to the user directory (`plugins/<name>`). */
  dir?: string;
  /** The module to import: a path relative to `dir` for downloaded plugins, else the path or specifier. */
  entry: string;
  /** For downloaded plugins: SHA-256 (hex) of every file, by path relative to `dir`. */
  files?: Record<string, string>;
  /** When it was installed (ISO 8601). */
  installedAt: string;
  /** What the plugin declares it needs (absent: it declares nothing). */
  permissions?: PluginPermissions;
  /** What the user granted it; it then runs in a Worker with exactly these permissions. */
  grant?: PluginGrant;
  /** True for a plugin that declares nothing, once the user has been told that it runs unrestricted. */
  unrestricted?: boolean;
}

/** The path of plugins.json. */
export function pluginsJsonPath(): string {
  return userPath("plugins.json");
}

/** The installed plugins, in installation order; an empty list when plugins.json does not exist. */
export function readPluginRecords(): PluginRecord[] {
  const path = pluginsJsonPath();
  const data = readJsonObject(path);
  if (!data) return [];
  const plugins = data.plugins;
  if (!Array.isArray(plugins)) {
    throw new ConfigError(
      path,
      `${path} must hold {"plugins": [...]}; fix it or remove it and reinstall plugins`,
    );
  }
  return plugins.filter((p): p is PluginRecord =>
    p !== null && typeof p === "object" && typeof p.name === "string" && typeof p.entry === "string"
  ).map(withDefaults);
}

function withDefaults(record: PluginRecord): PluginRecord {
  return {
    ...record,
    hooks: record.hooks ?? [],
    models: record.models ?? [],
    embeddingModels: record.embeddingModels ?? [],
    commands: record.commands ?? [],
    tools: record.tools ?? [],
    templateLoaders: record.templateLoaders ?? [],
    fragmentLoaders: record.fragmentLoaders ?? [],
  };
}

/** Writes the records to plugins.json (atomically). */
export function writePluginRecords(records: PluginRecord[]): void {
  writeJsonFile(pluginsJsonPath(), { plugins: records });
}

/** Updates what an installed plugin registered, when it differs from the record; true when it changed. */
export function refreshRegistrations(name: string, registrations: Registrations, version?: string): boolean {
  const records = readPluginRecords();
  const record = records.find((r) => r.name === name);
  if (!record) return false;
  const before = JSON.stringify([pickRegistrations(record), record.version]);
  const nextVersion = version ?? record.version;
  if (before === JSON.stringify([pickRegistrations(registrations), nextVersion])) return false;
  Object.assign(record, registrations, { version: nextVersion });
  writePluginRecords(records);
  return true;
}

/** Only the registration fields of a record, in a fixed order (for comparisons). */
export function pickRegistrations(r: Registrations): Registrations {
  return {
    hooks: r.hooks,
    models: r.models,
    embeddingModels: r.embeddingModels,
    commands: r.commands,
    tools: r.tools,
    templateLoaders: r.templateLoaders,
    fragmentLoaders: r.fragmentLoaders,
  };
}

/** The record whose name or specifier is `nameOrSpec`, if any. */
export function findPluginRecord(records: PluginRecord[], nameOrSpec: string): PluginRecord | undefined {
  return records.find((r) => r.name === nameOrSpec) ?? records.find((r) => r.specifier === nameOrSpec);
}
