/**
 * `llm install` and `llm uninstall` as library functions. Installing imports the plugin once to check it and
 * to record what it registers; `jsr:` packages and URLs are first downloaded into
 * `<user dir>/plugins/<name>/` (checksums verified and recorded) so they load from disk afterwards, also in
 * a compiled binary. Local paths are recorded as they are; `npm:` packages are recorded and imported by
 * specifier.
 * @module
 */
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { userDir } from "../user/dir.ts";
import { registry } from "../default_registry.ts";
import { conflictMessage } from "../models/model_registry.ts";
import { registrationsOf } from "./collect.ts";
import { pluginDirName } from "./api.ts";
import { type DownloadedPackage, downloadJsrPackage } from "./download_jsr.ts";
import { downloadUrlModule } from "./download_url.ts";
import { pluginModuleOf } from "./editable.ts";
import { PluginInstallError } from "./errors.ts";
import { isCompiledBinary, type LoadedPlugin, pluginDir } from "./loader.ts";
import {
  findPluginRecord,
  type PluginRecord,
  readPluginRecords,
  type Registrations,
  writePluginRecords,
} from "./record.ts";
import { lazyImport } from "../lazy_import.ts";
import type { ApprovePermissions } from "./sandbox_install.ts";

export type { ApprovePermissions, PermissionRequest } from "./sandbox_install.ts";
import { parsePluginSpecifier, type PluginSpecifier } from "./specifier.ts";
import { FIRST_PARTY_PLUGINS, firstPartySpecifier, isBareName } from "./first_party.ts";

/** Options of {@link installPlugin}. */
export interface InstallOptions {
  /** Install again even if this specifier is installed, resolving the newest matching version. */
  upgrade?: boolean;
  /** Install again even if this specifier is installed. */
  forceReinstall?: boolean;
  /** Allow pre-release versions of `jsr:` packages. */
  pre?: boolean;
  /** Resolve relative paths against this directory (default: the working directory). */
  cwd?: string;
  /** Called with a warning about the plugin (a model id another plugin already has, ...). */
  onWarning?: (message: string) => void;
  /**
   * Asked to grant what a plugin declares it needs (at install, and when an upgrade asks for more); true
   * grants it. Without it, a plugin that asks for any permission is not installed.
   */
  approve?: ApprovePermissions;
}

/** What {@link installPlugin} did. */
export interface InstallResult {
  /** The plugin's record, as saved in plugins.json. */
  record: PluginRecord;
  /** `unchanged` when the specifier was already installed and nothing was asked to change. */
  status: "installed" | "unchanged";
}

const dirName = pluginDirName;

async function download(parsed: PluginSpecifier, dest: string, pre: boolean): Promise<DownloadedPackage> {
  await Deno.mkdir(dest, { recursive: true });
  return parsed.kind === "jsr"
    ? await downloadJsrPackage(parsed, dest, { pre })
    : await downloadUrlModule(parsed.specifier, dest);
}

async function removeDir(path: string | undefined): Promise<void> {
  if (!path) return;
  await Deno.remove(path, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

/**
 * Installs a plugin from an `https:` URL, `jsr:@scope/name[@range]`, `npm:name[@range]` or a local path, and
 * records it in plugins.json.
 *
 * @example
 * ```ts
 * import { installPlugin } from "./install.ts";
 * const { record } = await installPlugin("jsr:@someone/llm-shout");
 * console.log(record.name, record.models.map((m) => m.id));
 * ```
 * @throws {PluginInstallError} when the specifier cannot be used, the download fails or a hook throws.
 * @throws {PluginImportError} when the module is not a plugin.
 */
export async function installPlugin(spec: string, options: InstallOptions = {}): Promise<InstallResult> {
  const before = readPluginRecords();
  // `llm install --force-reinstall NAME` (what an integrity error suggests): a bare name that is not a file
  // but is an installed plugin means that plugin, from where it was installed.
  const byName = before.find((r) => r.name === spec);
  const isFile = await pathExists(join(options.cwd ?? Deno.cwd(), spec));
  if (byName && !isFile) spec = byName.specifier;
  else if (!isFile && isBareName(spec)) spec = knownByName(spec);
  const parsed = parsePluginSpecifier(spec, options.cwd);
  const existing = before.find((r) => r.specifier === parsed.specifier);
  if (existing && parsed.kind !== "path" && !options.upgrade && !options.forceReinstall) {
    return { record: existing, status: "unchanged" };
  }
  if (parsed.kind === "npm" && isCompiledBinary()) {
    throw new PluginInstallError(
      spec,
      `A compiled llm binary cannot install npm: plugins such as ${spec}: run 'deno run -A jsr:@denollm/llm/cli ` +
        `install ${spec}', or install a jsr: or https: build of the plugin`,
    );
  }
  // A project directory (`llm install -e DIR`): recorded as the directory, imported from its module.
  let moduleOfDir: string | undefined;
  if (parsed.kind === "path") {
    let stat: Deno.FileInfo;
    try {
      stat = await Deno.stat(parsed.specifier);
    } catch {
      throw new PluginInstallError(spec, `No plugin file at ${parsed.specifier}; check the path`);
    }
    if (stat.isDirectory) moduleOfDir = await pluginModuleOf(parsed.specifier);
  }
  const pluginsRoot = join(userDir(), "plugins");
  const temp = parsed.kind === "jsr" || parsed.kind === "url"
    ? join(pluginsRoot, `.install-${crypto.randomUUID()}`)
    : undefined;
  try {
    const downloaded = temp ? await download(parsed, temp, options.pre ?? false) : undefined;
    const importUrl = temp && downloaded
      ? pathToFileURL(join(temp, downloaded.entry)).href
      : parsed.kind === "path"
      ? pathToFileURL(moduleOfDir ?? parsed.specifier).href
      : parsed.specifier;
    // Plugins that declare permissions are inspected, granted and registered in Workers (sandbox_install.ts).
    const codeDirs = temp
      ? [temp]
      : parsed.kind === "path"
      ? [dirname(moduleOfDir ?? parsed.specifier), ...(moduleOfDir ? [parsed.specifier] : [])]
      : [];
    const { loadForInstall } = await lazyImport<typeof import("./sandbox_install.ts")>(
      "./sandbox_install.ts",
      import.meta.url,
    );
    const { loaded, registrations, fields } = await loadForInstall({
      url: importUrl,
      label: spec,
      specifier: parsed.specifier,
      codeDirs,
      previous: (name) => before.find((r) => r.name === name),
      approve: options.approve,
      onWarning: options.onWarning,
    });
    const record = { ...await buildRecord(loaded, parsed, downloaded, registrations), ...fields };
    if (moduleOfDir) record.entry = moduleOfDir;
    if (temp && downloaded) {
      const finalDir = join(pluginsRoot, dirName(record.name));
      await removeDir(finalDir);
      await Deno.rename(temp, finalDir);
      record.dir = join("plugins", dirName(record.name));
    }
    warnDuplicates(record, options.onWarning);
    // The record replaces any of the same name, or of the same specifier (a plugin that was renamed).
    const current = readPluginRecords();
    const replaced = current.filter((r) => r.name === record.name || r.specifier === parsed.specifier);
    for (const old of replaced) if (old.dir && old.dir !== record.dir) await removeDir(pluginDir(old));
    const index = current.findIndex((r) => replaced.includes(r));
    const kept = current.filter((r) => !replaced.includes(r));
    writePluginRecords(
      index >= 0 ? [...kept.slice(0, index), record, ...kept.slice(index)] : [...kept, record],
    );
    registry.reload();
    return { record, status: "installed" };
  } finally {
    await removeDir(temp);
  }
}

async function buildRecord(
  loaded: LoadedPlugin,
  parsed: PluginSpecifier,
  downloaded: DownloadedPackage | undefined,
  registrations?: Registrations,
): Promise<PluginRecord> {
  const { plugin, collected } = loaded;
  if (collected.problems.length) {
    throw new PluginInstallError(
      plugin.name,
      `Plugin '${plugin.name}' from ${parsed.specifier} failed while registering (${
        collected.problems.join("; ")
      }); ` +
        `it was not installed`,
    );
  }
  const version = plugin.version ?? (downloaded?.version || undefined);
  return {
    name: plugin.name,
    ...(version ? { version } : {}),
    specifier: parsed.specifier,
    source: parsed.kind,
    ...(parsed.kind === "jsr" && downloaded ? { resolvedVersion: downloaded.version } : {}),
    entry: downloaded ? downloaded.entry : parsed.specifier,
    ...(downloaded ? { files: downloaded.files } : {}),
    installedAt: new Date().toISOString(),
    ...(registrations ?? await registrationsOf(plugin, collected)),
  };
}

/**
 * Warns of the model ids and aliases of the plugin that built-in models or other plugins already hold: they
 * keep them, and the plugin's model (for an id) or alias is left out.
 */
function warnDuplicates(record: PluginRecord, onWarning?: (message: string) => void): void {
  if (!onWarning) return;
  for (const conflict of registry.conflictsFor(record.models, record.name)) {
    onWarning(`Plugin ${record.name}: ${conflictMessage(conflict)}`);
  }
}

/**
 * What a bare name installs: a first-party plugin (`llm-anthropic`) from the workspace or JSR.
 * @throws {PluginInstallError} for any other name, listing the forms `llm install` takes.
 */
function knownByName(name: string): string {
  const known = firstPartySpecifier(name);
  if (known) return known;
  const names = FIRST_PARTY_PLUGINS.map((p) => p.name).join(" and ");
  throw new PluginInstallError(
    name,
    `Cannot install '${name}': no such file, and the only plugins installed by name are ${names}. ` +
      "Give a path (./my_plugin.ts), an https:// URL, jsr:@scope/name or npm:name",
  );
}

/**
 * Removes an installed plugin (by name or specifier) from plugins.json and deletes its downloaded files.
 * Returns its record, or undefined when no such plugin is installed.
 */
export async function uninstallPlugin(nameOrSpec: string, cwd?: string): Promise<PluginRecord | undefined> {
  const records = readPluginRecords();
  let record = findPluginRecord(records, nameOrSpec);
  if (!record) {
    try {
      record = findPluginRecord(records, parsePluginSpecifier(nameOrSpec, cwd).specifier);
    } catch {
      // Not a specifier either.
    }
  }
  if (!record) return undefined;
  writePluginRecords(records.filter((r) => r !== record));
  await removeDir(pluginDir(record));
  registry.reload();
  return record;
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
