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
