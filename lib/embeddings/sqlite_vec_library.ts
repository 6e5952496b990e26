/**
 * Where the `sqlite-vec` library file for this platform is. Finding it means importing the npm package, which
 * costs a fresh process 30–50 ms (Deno's npm resolution starts up for it), against a search of 200–400 ms:
 * so the path found is remembered in the user directory (`sqlite-vec-path.json`) and used again while this
 * llm, this Deno and this platform are the ones that found it and the file is still there. A remembered path
 * that no longer loads is forgotten and the package imported again ({@link sqliteVecLibrary} with
 * `fresh`). Remembering is best effort: a user directory that cannot be written only costs the import.
 * @module
 */
import { lazyImport } from "../lazy_import.ts";
import { userPath } from "../user/dir.ts";
import { VERSION } from "../version.ts";

/** The file in the user directory that remembers the path. */
export const SQLITE_VEC_PATH_FILE = "sqlite-vec-path.json";

/** What the remembered path is valid for, besides the file existing. */
function validFor(): Record<string, string> {
  return { llm: VERSION, deno: Deno.version.deno, platform: `${Deno.build.os}-${Deno.build.arch}` };
}

/** The remembered path, when it was found by this llm, Deno and platform and the file exists. */
function rememberedPath(): string | undefined {
  try {
    const saved = JSON.parse(Deno.readTextFileSync(userPath(SQLITE_VEC_PATH_FILE)));
    const want = validFor();
    if (typeof saved?.path !== "string" || Object.entries(want).some(([k, v]) => saved[k] !== v)) {
      return undefined;
    }
    return Deno.statSync(saved.path).isFile ? saved.path : undefined;
  } catch {
    return undefined;
  }
}

/** Remembers `path` (ignores a user directory that cannot be written). */
function remember(path: string): void {
  try {
    Deno.writeTextFileSync(userPath(SQLITE_VEC_PATH_FILE), JSON.stringify({ ...validFor(), path }) + "\n");
  } catch {
    // Not remembered: the next search imports the package again.
  }
}

/** The path of the sqlite-vec library, and whether it was remembered rather than found just now. */
export interface SqliteVecLibrary {
  /** The library file to pass to `loadExtension`. */
  path: string;
  /** True when it came from `sqlite-vec-path.json`. */
  remembered: boolean;
}

/**
 * The sqlite-vec library file: the remembered path when there is a valid one (unless `fresh`), otherwise the
 * one the `sqlite-vec` package names (importing it), which is then remembered.
 *
 * @example
 * ```ts ignore
 * import { sqliteVecLibrary } from "./sqlite_vec_library.ts";
 * const { path } = await sqliteVecLibrary();
 * ```
 */
export async function sqliteVecLibrary(options: { fresh?: boolean } = {}): Promise<SqliteVecLibrary> {
  if (!options.fresh) {
    const path = rememberedPath();
    if (path) return { path, remembered: true };
  }
  const { loadSqliteVec } = await lazyImport<typeof import("../deps/sqlite_vec.ts")>(
    "../deps/sqlite_vec.ts",
    import.meta.url,
  );
  const path = (await loadSqliteVec()).getLoadablePath();
  remember(path);
  return { path, remembered: false };
}
