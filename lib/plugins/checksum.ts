/**
 * SHA-256 checksums of plugin files: computed when a plugin is downloaded, recorded in plugins.json, and
 * checked again before the plugin is imported.
 * @module
 */
import { join } from "node:path";
import { PluginIntegrityError } from "./errors.ts";

/** The SHA-256 of `data` as lowercase hex. */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Checks every file of a downloaded plugin against its recorded SHA-256.
 *
 * @throws {PluginIntegrityError} for the first file that is missing or has changed.
 */
export async function verifyPluginFiles(
  plugin: string,
  dir: string,
  files: Record<string, string>,
): Promise<void> {
  for (const [file, expected] of Object.entries(files)) {
    let data: Uint8Array;
    try {
      data = await Deno.readFile(join(dir, file));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      throw new PluginIntegrityError(
        plugin,
        file,
        `Plugin '${plugin}' is missing its file ${join(dir, file)}. ` +
          `Reinstall it with 'llm install --force-reinstall ${plugin}' or remove it with 'llm uninstall ${plugin}'`,
      );
    }
    const actual = await sha256Hex(data);
    if (actual !== expected) {
      throw new PluginIntegrityError(
        plugin,
        file,
        `Plugin '${plugin}' was not loaded: its file ${join(dir, file)} has changed since it was installed ` +
          `(sha256 ${actual.slice(0, 12)}..., expected ${expected.slice(0, 12)}...). ` +
          `Reinstall it with 'llm install --force-reinstall ${plugin}' or remove it with 'llm uninstall ${plugin}'`,
      );
    }
  }
}
