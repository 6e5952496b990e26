/**
 * The set-up the Claude benchmarks share (bench/anthropic_stream.ts, bench/plugin_sandbox.ts): llm-anthropic
 * installed from the workspace into a user directory, with the loopback Anthropic server as its API.
 * @module
 */
import { fileURLToPath } from "node:url";

const repoDir = fileURLToPath(new URL("../", import.meta.url));

/**
 * Installs llm-anthropic (`llm install llm-anthropic --yes`) into `userDir` and returns the environment that
 * points `llm` at that directory and at the server at `serverUrl`.
 */
export async function anthropicBenchEnv(serverUrl: string, userDir: string): Promise<Record<string, string>> {
  const env = {
    LLM_USER_PATH: userDir,
    ANTHROPIC_BASE_URL: serverUrl,
    ANTHROPIC_API_KEY: "sk-bench",
    NO_COLOR: "1",
  };
  const install = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli.ts", "install", "llm-anthropic", "--yes"],
    cwd: repoDir,
    env,
  }).output();
  if (!install.success) {
    throw new Error(`llm install llm-anthropic failed: ${new TextDecoder().decode(install.stderr)}`);
  }
  return env;
}
