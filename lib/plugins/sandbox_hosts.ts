/**
 * The Workers of installed sandboxed plugins in this process: one {@link SandboxHost} per plugin (for as long
 * as where it runs from and what it was granted stay the same), made with the Deno permissions of its grant.
 * A small module, so that the CLI can start a plugin's Worker the moment it knows the plugin's model is
 * wanted, before the rest of the plugin runtime has loaded.
 * @module
 */
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { userDir } from "../user/dir.ts";
import { pluginDataDir } from "./api.ts";
import { verifyPluginFiles } from "./checksum.ts";
import { grantedKeys } from "./granted_key.ts";
import { type PluginPermissions, workerPermissions } from "./permissions.ts";
import type { PluginRecord } from "./record.ts";
import { SandboxHost } from "./sandbox_host.ts";

const LIBRARY_ROOT = new URL("../../", import.meta.url);

/** This library's files a plugin imports (read access to them lets a plugin load `plugin.ts`). */
export function libraryCodeDirs(): string[] {
  if (LIBRARY_ROOT.protocol !== "file:") return [];
  return ["lib", "plugin.ts", "mod.ts"].map((p) => fileURLToPath(new URL(p, LIBRARY_ROOT)));
}

/** The directory of a downloaded plugin's files. */
function downloadDir(record: Pick<PluginRecord, "dir">): string | undefined {
  if (!record.dir) return undefined;
  return isAbsolute(record.dir) ? record.dir : join(userDir(), record.dir);
}

/** The directories of a plugin's own code, from where it is installed. */
export function pluginCodeDirs(
  record: Pick<PluginRecord, "dir" | "source" | "entry" | "specifier">,
): string[] {
  const dir = downloadDir(record);
  if (dir) return [dir];
  if (record.source !== "path") return [];
  const entry = record.entry.startsWith("file:") ? fileURLToPath(record.entry) : record.entry;
  const dirs = [dirname(entry)];
  if (!/\.[cm]?[jt]sx?$/.test(record.specifier)) dirs.push(record.specifier);
  return dirs;
}

/** What to import for an installed plugin: its downloaded entry, its path, or its `npm:` specifier. */
export function recordImportUrl(record: PluginRecord): string {
  const dir = downloadDir(record);
  if (dir) return pathToFileURL(join(dir, record.entry)).href;
  return record.source === "npm" || record.entry.startsWith("file:")
    ? record.entry
    : pathToFileURL(record.entry).href;
}

/** The Deno permissions of the Worker of plugin `name`, granted `granted`, with its code in `codeDirs`. */
export function permissionsOf(
  name: string,
  granted: PluginPermissions,
  codeDirs: string[],
): Deno.PermissionOptionsObject {
  return workerPermissions(granted, {
    userDir: userDir(),
    codeDirs: [...codeDirs, ...libraryCodeDirs()],
    dataDir: pluginDataDir(name),
  });
}

const hosts = new Map<string, SandboxHost>();

/** The host of an installed plugin's Worker (made once per plugin, grant and place). */
export function hostFor(record: PluginRecord, url: string, granted: PluginPermissions): SandboxHost {
  const key = JSON.stringify([record.name, url, userDir(), granted]);
  let host = hosts.get(key);
  if (!host) {
    host = new SandboxHost({
      name: record.name,
      url,
      permissions: permissionsOf(record.name, granted, pluginCodeDirs(record)),
      userDir: userDir(),
      keys: () => grantedKeys(granted),
    });
    hosts.set(key, host);
  }
  return host;
}

/**
 * Starts the Worker of a plugin granted `granted` without waiting for it (the CLI does this as soon as it
 * sees the plugin's model on the command line). Downloaded files are checked first, as for any load.
 */
export function prewarmHost(record: PluginRecord, granted: PluginPermissions): void {
  const dir = downloadDir(record);
  const verified = dir ? verifyPluginFiles(record.name, dir, record.files ?? {}) : Promise.resolve();
  verified.then(() => hostFor(record, recordImportUrl(record), granted).start()).catch(() => {});
}
