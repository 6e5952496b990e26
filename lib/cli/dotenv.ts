/**
 * Loads a `.env` file from the working directory into the environment before the CLI runs, so keys and
 * settings such as `OPENAI_API_KEY` or `LLM_MODEL` can live beside a project. Variables that are already set
 * always win. A missing or unreadable file is not an error. `node:util` (its `parseEnv`) is loaded only when
 * there is a file to parse.
 *
 * @module
 */
import { joinPath as join } from "../user/path.ts";

/**
 * Reads `<dir>/.env` (default: the working directory) and sets each variable that is not set yet.
 * Returns the names it set.
 *
 * @example
 * ```ts
 * import { loadDotenv } from "./dotenv.ts";
 * const added = await loadDotenv();
 * if (added.length) console.error(`Loaded ${added.join(", ")} from .env`);
 * ```
 */
export async function loadDotenv(dir?: string): Promise<string[]> {
  let text: string;
  try {
    text = Deno.readTextFileSync(join(dir ?? Deno.cwd(), ".env"));
  } catch {
    // No file, no permission, or no working directory: nothing to load.
    return [];
  }
  const { parseEnv } = await import("node:util");
  const added: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    try {
      if (value === undefined || Deno.env.get(name) !== undefined) continue;
      Deno.env.set(name, value);
      added.push(name);
    } catch {
      // No --allow-env permission for this name: leave it.
    }
  }
  return added;
}
