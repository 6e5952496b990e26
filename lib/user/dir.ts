/**
 * The user directory: where keys, aliases, the default model, templates and logs live.
 *
 * It is the same directory Python `llm` uses, so both tools share one set of files:
 * `$LLM_USER_PATH` when set, otherwise the platform's application directory for `io.datasette.llm`.
 *
 * @module
 */
import { joinPath as join } from "./path.ts";
import { sandboxContext } from "./sandbox_context.ts";

const APP_NAME = "io.datasette.llm";

/**
 * The path of the user directory. It is not created here; writers call {@link ensureUserDir}.
 *
 * @example
 * ```ts
 * import { userDir } from "./dir.ts";
 * console.log(userDir()); // e.g. /home/me/.config/io.datasette.llm
 * ```
 */
export function userDir(): string {
  const sandboxed = sandboxContext();
  if (sandboxed) return sandboxed.userDir; // a sandboxed plugin is told it, as it may not read the variables
  const fromEnv = Deno.env.get("LLM_USER_PATH");
  if (fromEnv) return fromEnv;
  const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE") ?? ".";
  switch (Deno.build.os) {
    case "darwin":
      return join(home, "Library", "Application Support", APP_NAME);
    case "windows":
      return join(Deno.env.get("APPDATA") ?? join(home, "AppData", "Roaming"), APP_NAME);
    default:
      return join(Deno.env.get("XDG_CONFIG_HOME") || join(home, ".config"), APP_NAME);
  }
}

/** The path of a file inside the user directory, e.g. `userPath("keys.json")`. */
export function userPath(...parts: string[]): string {
  return join(userDir(), ...parts);
}

/** Creates the user directory (and parents) when it does not exist, and returns its path. */
export function ensureUserDir(): string {
  const dir = userDir();
  Deno.mkdirSync(dir, { recursive: true });
  return dir;
}
