/**
 * Loads a `.env` file from the working directory into the environment before the CLI runs, so keys and
 * settings such as `OPENAI_API_KEY` or `LLM_MODEL` can live beside a project. Variables that are already set
 * always win. A missing or unreadable file is not an error.
 *
 * @module
 */
import { join } from "node:path";
import { parseEnv } from "node:util";

/**
 * Reads `<dir>/.env` (default: the working directory) and sets each variable that is not set yet.
 * Returns the names it set.
 *
 * @example
 * ```ts
 * import { loadDotenv } from "./dotenv.ts";
 * const added = loadDotenv();
 * if (added.length) console.error(`Loaded ${added.join(", ")} from .env`);
 * ```
 */
export function loadDotenv(dir?: string): string[] {
  let text: string;
  try {
    text = Deno.readTextFileSync(join(dir ?? Deno.cwd(), ".env"));
  } catch {
    // No file, no permission, or no working directory: nothing to load.
    return [];
  }
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
