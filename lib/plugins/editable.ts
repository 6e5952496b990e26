/**
 * Installing a plugin from a project directory (`llm install -e DIR`, or a directory given as a path): the
 * module is the one its `deno.json` (or `deno.jsonc`) `exports` names (`"./mod.ts"`, or the `"."` entry of
 * an exports map), else its `mod.ts`. Like every local plugin it is imported from the directory each time,
 * so edits take effect on the next run (Python's editable installs); a new `exports` needs a new install.
 * @module
 */
import { join, resolve } from "node:path";
import { PluginInstallError } from "./errors.ts";

/** Removes `//` and `/* *\/` comments outside strings, and trailing commas (JSONC, as `deno.jsonc` allows). */
function stripJsonc(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      out += text.slice(start, i + 1);
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2);
      if (i < 0) break;
      i++;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, "$1");
}

async function readConfig(
  dir: string,
): Promise<{ file: string; config: Record<string, unknown> } | undefined> {
  for (const name of ["deno.json", "deno.jsonc"]) {
    const file = join(dir, name);
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    try {
      const config = JSON.parse(name.endsWith("c") ? stripJsonc(text) : text);
      if (typeof config === "object" && config !== null && !Array.isArray(config)) return { file, config };
    } catch (error) {
      throw new PluginInstallError(
        dir,
        `${file} is not valid JSON (${(error as Error).message}); fix it and try again`,
      );
    }
    throw new PluginInstallError(dir, `${file} must hold a JSON object`);
  }
  return undefined;
}

async function isFile(path: string): Promise<boolean> {
  return await Deno.stat(path).then((s) => s.isFile, () => false);
}

/** The module `exports` names: a string, or the `"."` entry (or the only entry) of a map. */
function exported(exports: unknown, file: string, dir: string): string | undefined {
  if (exports === undefined) return undefined;
  if (typeof exports === "string") return exports;
  if (typeof exports === "object" && exports !== null && !Array.isArray(exports)) {
    const map = exports as Record<string, unknown>;
    const keys = Object.keys(map);
    const value = map["."] ?? (keys.length === 1 ? map[keys[0]] : undefined);
    if (typeof value === "string") return value;
    throw new PluginInstallError(
      dir,
      `The exports of ${file} have no "." entry (they have ${keys.map((k) => `"${k}"`).join(", ")}); ` +
        'add ".": "./mod.ts" naming the plugin module',
    );
  }
  throw new PluginInstallError(dir, `The exports of ${file} must be a path or a map of paths`);
}

/**
 * The plugin module of the project directory `dir` (absolute).
 * @throws {PluginInstallError} when neither a `deno.json` `exports` nor a `mod.ts` names an existing file.
 */
export async function pluginModuleOf(dir: string): Promise<string> {
  const found = await readConfig(dir);
  const target = found && exported(found.config.exports, found.file, dir);
  if (target) {
    const path = resolve(dir, target);
    if (!(await isFile(path))) {
      throw new PluginInstallError(dir, `${found.file} exports ${target}, but there is no file ${path}`);
    }
    return path;
  }
  const mod = join(dir, "mod.ts");
  if (await isFile(mod)) return mod;
  throw new PluginInstallError(
    dir,
    `${dir} is a directory with no plugin module: add a deno.json whose "exports" names it, or a mod.ts`,
  );
}
