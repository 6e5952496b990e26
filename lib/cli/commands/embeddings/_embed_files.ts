/**
 * The files `llm embed-multi --files DIR GLOB` embeds: the glob is matched as Python's `pathlib.Path.glob`
 * matches it (`*` and `?` within a path segment, `[...]` classes, `**` for any number of directories,
 * dot-files included), files only, in name order. Text is decoded with the first of the `--encoding`s that
 * fits (Python `llm` 0.32 keeps the last one, so with its default utf-8 then latin-1 every UTF-8 file is
 * read as latin-1; this reads UTF-8 files as UTF-8).
 * @module
 */
import { joinPath } from "../../../user/path.ts";

/** A file that matched, with its path relative to the directory (its ID). */
export interface MatchedFile {
  /** The path as given directory joined with the relative path. */
  path: string;
  /** The path relative to the directory, with `/` separators. */
  relative: string;
}

function segmentPattern(segment: string): string {
  let out = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = segment.indexOf("]", i + 2);
      if (end < 0) {
        out += "\\[";
        continue;
      }
      let body = segment.slice(i + 1, end);
      const negate = body.startsWith("!");
      if (negate) body = body.slice(1);
      out += `[${negate ? "^" : ""}${body.replace(/\\/g, "\\\\").replace(/\]/g, "\\]")}]`;
      i = end;
    } else out += c.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return out;
}

/** A regular expression for relative paths matching `pattern`. */
export function globRegExp(pattern: string): RegExp {
  const segments = pattern.split("/").filter((s) => s && s !== ".");
  let source = "";
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    if (segment === "**") source += last ? "(?:[^/]+/)*[^/]*" : "(?:[^/]+/)*";
    else source += segmentPattern(segment) + (last ? "" : "/");
  }
  return new RegExp(`^${source}$`);
}

/** Every file under `dir` (relative paths, `/`-separated, in name order), at most `depth` levels down. */
async function* walk(dir: string, prefix: string, depth: number): AsyncGenerator<MatchedFile> {
  const entries: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(dir)) entries.push(entry);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const relative = prefix + entry.name;
    const path = joinPath(dir, entry.name);
    let isDir = entry.isDirectory;
    let isFile = entry.isFile;
    if (entry.isSymlink) {
      try {
        const info = await Deno.stat(path);
        isFile = info.isFile;
        isDir = false; // symlinked directories are not followed, so a loop cannot recur forever
      } catch {
        // A dangling link: offered as a file, so reading it fails with a warning instead of vanishing.
        isFile = true;
        isDir = false;
      }
    }
    if (isFile) yield { path, relative };
    else if (isDir && depth > 1) yield* walk(path, relative + "/", depth - 1);
  }
}

/** The files under `dir` matching `pattern`. */
export async function* matchFiles(dir: string, pattern: string): AsyncGenerator<MatchedFile> {
  const regexp = globRegExp(pattern);
  const segments = pattern.split("/").filter((s) => s && s !== ".");
  const depth = segments.includes("**") ? Infinity : segments.length;
  for await (const file of walk(dir, "", depth)) {
    if (regexp.test(file.relative)) {
      yield { path: joinPath(dir, ...file.relative.split("/")), relative: file.relative };
    }
  }
}

const LATIN_1 = new Set(["latin-1", "latin1", "latin_1", "iso-8859-1", "iso8859-1", "iso_8859_1", "l1"]);

/** Decodes `bytes` with `encoding` (Python's names); `undefined` when they are not valid in it. */
export function decodeText(bytes: Uint8Array, encoding: string): string | undefined {
  const name = encoding.toLowerCase();
  if (LATIN_1.has(name)) {
    // Python's latin-1 maps every byte to the same code point (TextDecoder's "latin1" is windows-1252).
    let text = "";
    for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
    return text;
  }
  try {
    return new TextDecoder(name.replace(/_/g, "-"), { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    if (error instanceof RangeError) throw new RangeError(`Unknown encoding: ${encoding}`);
    return undefined;
  }
}
