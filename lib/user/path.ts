/**
 * Joining and splitting file paths without `node:path`: the first `node:` import costs a Deno process about
 * 5 ms, which `llm --version` and `llm models list` cannot afford (see BENCHMARKS.md).
 * @module
 */

/** The platform's path separator. */
export const SEPARATOR: string = Deno.build.os === "windows" ? "\\" : "/";

const TRAILING = /[\\/]+$/;
const LEADING = /^[\\/]+/;

/**
 * Joins path segments with the platform separator, without doubling separators at the joins.
 *
 * @example
 * ```ts
 * import { joinPath } from "./path.ts";
 * joinPath("/home/pat/", "io.datasette.llm", "keys.json"); // "/home/pat/io.datasette.llm/keys.json"
 * ```
 */
export function joinPath(first: string, ...rest: string[]): string {
  let out = first;
  for (const part of rest) {
    if (!part) continue;
    out = out ? `${out.replace(TRAILING, "")}${SEPARATOR}${part.replace(LEADING, "")}` : part;
  }
  return out;
}

/** The directory part of a path (`"."` when there is none). */
export function dirnamePath(path: string): string {
  const trimmed = path.length > 1 ? path.replace(TRAILING, "") : path;
  const index = Math.max(
    trimmed.lastIndexOf("/"),
    Deno.build.os === "windows" ? trimmed.lastIndexOf("\\") : -1,
  );
  if (index < 0) return ".";
  if (index === 0) return trimmed[0];
  return trimmed.slice(0, index);
}

const WINDOWS = Deno.build.os === "windows";
const SEPARATORS = WINDOWS ? /[\\/]+/ : /\/+/;
/** A path's root (`/`, or on Windows `C:\`, `\\server\share\`), or "" for a relative path. */
function rootOf(path: string): string {
  if (!WINDOWS) return path.startsWith("/") ? "/" : "";
  const unc = path.match(/^[\\/]{2}[^\\/]+[\\/]+[^\\/]+[\\/]*/);
  if (unc) return unc[0];
  return path.match(/^(?:[A-Za-z]:)?[\\/]/)?.[0] ?? "";
}

/**
 * The directory `dir` (absolute) joined with `name`, with `.` and `..` resolved, and whether the result lies
 * strictly inside `dir` (an absolute `name` replaces `dir`, as `path.resolve` would). No `node:path`.
 *
 * @example
 * ```ts
 * import { resolveInside } from "./path.ts";
 * resolveInside("/home/pat/templates", "a/../b.yaml"); // { path: "/home/pat/templates/b.yaml", inside: true }
 * resolveInside("/home/pat/templates", "../x.yaml").inside; // false
 * ```
 */
export function resolveInside(dir: string, name: string): { path: string; inside: boolean } {
  const normal = (path: string): { root: string; parts: string[] } => {
    const root = rootOf(path);
    const parts: string[] = [];
    for (const part of path.slice(root.length).split(SEPARATORS)) {
      if (part === "" || part === ".") continue;
      if (part === "..") parts.pop();
      else parts.push(part);
    }
    return { root, parts };
  };
  const base = normal(dir);
  const target = normal(rootOf(name) ? name : `${dir}${SEPARATOR}${name}`);
  const same = (a: string, b: string) => WINDOWS ? a.toLowerCase() === b.toLowerCase() : a === b;
  const inside = same(base.root.replace(/[\\/]+/g, SEPARATOR), target.root.replace(/[\\/]+/g, SEPARATOR)) &&
    target.parts.length > base.parts.length && base.parts.every((part, i) => same(part, target.parts[i]));
  return { path: `${target.root}${target.parts.join(SEPARATOR)}`, inside };
}
