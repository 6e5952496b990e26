/**
 * The terminal features load nothing on the paths that must stay light: `llm --version`, `--help`,
 * `models list` and a piped prompt run in a process with an empty Deno cache that may not download anything,
 * so loading `marked` or `highlight.js` there would fail. A control shows that the setup does catch it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startOpenAIServer } from "./support/openai_server.ts";
import { cliPath } from "./support/run_cli.ts";

async function runCached(dir: string, args: string[], env: Record<string, string>, stdin?: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--cached-only", "--no-config", "--no-lock", "-A", ...args],
    cwd: dir,
    env: { DENO_DIR: join(dir, "deno_dir"), LLM_USER_PATH: join(dir, "user"), ...env },
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const out = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("--version, --help, models list and a piped prompt load no Markdown parser (empty cache, --cached-only)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "llm-light-" });
  await using server = await startOpenAIServer();
  server.enqueue({ kind: "text", text: "# Title\n\n```py\nx = 1\n```\n" });
  try {
    await Deno.mkdir(join(dir, "user"));
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test", LLM_OPENAI_MAX_RETRIES: "0" };
    for (const args of [["--version"], ["--help"], ["models", "list"]]) {
      const result = await runCached(dir, [cliPath, ...args], env);
      assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
    }
    const prompt = await runCached(dir, [cliPath, "-m", "4o-mini", "-n", "summarise"], env, "piped text");
    assert.equal(prompt.code, 0, prompt.stderr);
    assert.equal(prompt.stdout, "# Title\n\n```py\nx = 1\n```\n\n", "raw, as the model sent it");
    await Deno.writeTextFile(join(dir, "control.ts"), 'await import("npm:marked@^18");\n');
    const control = await runCached(dir, [join(dir, "control.ts")], env);
    assert.notEqual(control.code, 0, "loading marked in this setup fails");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
