/**
 * Downloads a plugin published as a URL, with every module it imports by a relative path, so that it can be
 * imported from disk (a compiled `llm` binary cannot import remote modules). Imports of other hosts, `jsr:`
 * and `npm:` are left as they are.
 * @module
 */
import { dirname, join } from "node:path";
import { PluginInstallError } from "./errors.ts";
import { sha256Hex } from "./checksum.ts";
import type { DownloadedPackage } from "./download_jsr.ts";

const STATIC = /(?:^|[;\s}])(?:import|export)\s*(?:type\s+)?(?:[\w$*{}\s,]*?\s*from\s*)?["']([^"'\n]+)["']/g;
const DYNAMIC = /\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/g;

/**
 * The specifiers a module imports: static `import`/`export ... from`, side-effect imports and `import()` of a
 * string literal. Comments are skipped.
 */
export function findImports(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/(^|[^:"'`\\])\/\/[^\n]*/g, "$1");
  const found = new Set<string>();
  for (const pattern of [STATIC, DYNAMIC]) {
    for (const match of code.matchAll(pattern)) found.add(match[1]);
  }
  return [...found];
}

/** File names Deno imports by extension; others (e.g. `https://esm.sh/pkg`) get one from the content type. */
const MODULE_EXTENSION = /\.(ts|mts|cts|tsx|js|mjs|cjs|jsx)$/;

/** Whether a specifier is relative (`./x.ts`, `../y.ts`, `/z.ts`). */
function isRelative(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("/");
}

/** The longest directory path that contains every path. */
function commonDir(paths: string[]): string {
  const split = paths.map((p) => p.split("/").slice(0, -1));
  const first = split[0];
  let n = first.length;
  for (const parts of split) {
    let i = 0;
    while (i < n && parts[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join("/") + "/";
}

/**
 * Downloads `url` and its relative imports into `dest`, keeping their relative layout.
 *
 * @throws {PluginInstallError} when a module cannot be fetched.
 */
export async function downloadUrlModule(url: string, dest: string): Promise<DownloadedPackage> {
  const fetched = new Map<string, Uint8Array>();
  const types = new Map<string, string>();
  const queue = [new URL(url)];
  queue[0].hash = "";
  while (queue.length) {
    const next = queue.shift()!;
    if (fetched.has(next.href)) continue;
    let response: Response;
    try {
      response = await fetch(next);
    } catch (error) {
      throw new PluginInstallError(url, `Could not fetch ${next.href} (${(error as Error).message})`, {
        cause: error,
      });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new PluginInstallError(url, `Could not fetch ${next.href}: HTTP ${response.status}`);
    }
    const data = new Uint8Array(await response.arrayBuffer());
    fetched.set(next.href, data);
    types.set(next.href, response.headers.get("content-type") ?? "");
    if (fetched.size > 500) {
      throw new PluginInstallError(
        url,
        `${url} imports more than 500 modules; publish it as a bundle or on JSR`,
      );
    }
    for (const specifier of findImports(new TextDecoder().decode(data))) {
      if (!isRelative(specifier)) continue;
      const child = new URL(specifier, next);
      child.hash = "";
      if (!fetched.has(child.href)) queue.push(child);
    }
  }
  const urls = [...fetched.keys()].map((u) => new URL(u));
  const root = commonDir(urls.map((u) => u.pathname));
  const files: Record<string, string> = {};
  let entry = "";
  for (const u of urls) {
    let relative = decodeURIComponent(u.pathname.slice(root.length)) || "index.ts";
    if (u.search) relative += `_${(await sha256Hex(u.search)).slice(0, 8)}`;
    if (!MODULE_EXTENSION.test(relative)) relative += /typescript/.test(types.get(u.href)!) ? ".ts" : ".js";
    const data = fetched.get(u.href)!;
    await Deno.mkdir(dirname(join(dest, relative)), { recursive: true });
    await Deno.writeFile(join(dest, relative), data);
    files[relative] = await sha256Hex(data);
    if (!entry) entry = relative;
  }
  return { version: "", entry, files };
}
