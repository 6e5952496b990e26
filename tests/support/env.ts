/**
 * Test helpers for the process environment and a temporary user directory.
 * @module
 */
import { registry } from "../../lib/default_registry.ts";

/** A temporary user directory set as `LLM_USER_PATH` until disposed; the registry is reloaded both times. */
export interface TempUserDir extends AsyncDisposable {
  /** Its path. */
  path: string;
}

/** Sets environment variables (`undefined` deletes) and returns a function that restores them. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, Deno.env.get(k)]));
  for (const [k, v] of Object.entries(vars)) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
  return () => {
    for (const [k, v] of Object.entries(saved)) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
  };
}

/**
 * Makes a temporary user directory and points `LLM_USER_PATH` at it (plus any `env` given), clearing
 * `OPENAI_API_KEY`, `OPENAI_BASE_URL` and `LLM_MODEL` so the machine's settings never leak into a test.
 */
export async function tempUserDir(env: Record<string, string | undefined> = {}): Promise<TempUserDir> {
  const path = await Deno.makeTempDir({ prefix: "llm-user-" });
  const restore = setEnv({
    OPENAI_API_KEY: undefined,
    OPENAI_BASE_URL: undefined,
    LLM_MODEL: undefined,
    LLM_OPENAI_MAX_RETRIES: "0",
    ...env,
    LLM_USER_PATH: path,
  });
  registry.reload();
  return {
    path,
    async [Symbol.asyncDispose]() {
      restore();
      registry.reload();
      await Deno.remove(path, { recursive: true });
    },
  };
}
