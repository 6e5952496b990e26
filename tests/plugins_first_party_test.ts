/**
 * `llm install llm-anthropic` / `llm install llm-gemini`: the names Python users type install this
 * project's own plugins (from the workspace in a clone, else from JSR), and other bare names get a hint
 * listing what `llm install` takes. Then the whole path through the real CLI: install llm-anthropic, see it
 * in `llm plugins` with its version, prompt Claude against the loopback API, and read the logged turn.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FIRST_PARTY_PLUGINS, firstPartySpecifier, isBareName } from "../lib/plugins/first_party.ts";
import { installPlugin } from "../lib/plugins/install.ts";
import { PluginModel } from "../lib/plugins/plugin_model.ts";
import { registerInstalledPlugins } from "../lib/plugins/runtime.ts";
import { getModel } from "../lib/default_registry.ts";
import { runCli } from "./support/run_cli.ts";
import { tempUserDir } from "./support/env.ts";
import { anthropicExchange, startAnthropicServer } from "./support/anthropic_server.ts";

const repoRoot = new URL("../", import.meta.url);
const anthropicEntry = fileURLToPath(new URL("plugins/anthropic/mod.ts", repoRoot));

Deno.test("first-party names: the workspace entry in a clone, the JSR package elsewhere", async () => {
  assert.equal(firstPartySpecifier("llm-anthropic"), anthropicEntry);
  assert.equal(
    firstPartySpecifier("llm-anthropic", new URL("https://example.com/llm/")),
    "jsr:@denollm/llm-anthropic",
  );
  const elsewhere = pathToDirUrl(await Deno.makeTempDir());
  assert.equal(firstPartySpecifier("llm-gemini", elsewhere), "jsr:@denollm/llm-gemini");
  assert.equal(firstPartySpecifier("llm-mistral"), undefined);
  assert.deepEqual(FIRST_PARTY_PLUGINS.map((p) => p.name), ["llm-anthropic", "llm-gemini"]);
  for (const name of ["llm-anthropic", "llm-foo", "plugin"]) assert.ok(isBareName(name), name);
  for (const spec of ["./x.ts", "x.ts", "a/b", "jsr:@a/b", "https://x", "/abs"]) {
    assert.ok(!isBareName(spec), spec);
  }
});

function pathToDirUrl(path: string): URL {
  return new URL(`file://${path}/`);
}

Deno.test("other bare names are refused with the forms llm install takes", async () => {
  await using _dir = await tempUserDir();
  await assert.rejects(
    installPlugin("llm-mistral"),
    (error: Error) => {
      assert.equal(
        error.message,
        "Cannot install 'llm-mistral': no such file, and the only plugins installed by name are llm-anthropic " +
          "and llm-gemini. Give a path (./my_plugin.ts), an https:// URL, jsr:@scope/name or npm:name",
      );
      return true;
    },
  );
  // A file of that name in the working directory is still installed as a file.
  const cwd = await Deno.makeTempDir();
  await Deno.writeTextFile(join(cwd, "llm-local"), 'export default { name: "llm-local" };\n');
  const { record } = await installPlugin("llm-local", { cwd });
  assert.equal(record.name, "llm-local");
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("llm-anthropic by name: recorded from the workspace, with its version and WebSearch", async () => {
  await using _dir = await tempUserDir();
  const { record } = await installPlugin("llm-anthropic", { approve: () => true });
  assert.equal(record.name, "llm-anthropic");
  assert.equal(record.version, "0.1.0");
  assert.equal(record.source, "path");
  assert.equal(record.specifier, anthropicEntry);
  const opus = record.models.find((m) => m.id === "anthropic/claude-opus-4-6")!;
  assert.deepEqual(opus.aliases, ["claude-opus-4.6"]);
  assert.deepEqual(opus.serverSideTools?.map((t) => t.className), ["WebSearch"]);
  assert.equal(
    record.models.find((m) => m.id === "anthropic/claude-haiku-4-5-20251001")!.serverSideTools,
    undefined,
  );
  // Before its plugin is imported, the recorded model already offers WebSearch (so -T WebSearch is allowed).
  registerInstalledPlugins();
  const model = getModel("claude-opus-4.6");
  assert.ok(model instanceof PluginModel && !model.loaded);
  assert.deepEqual(model.serverSideTools.map((t) => t.name), ["web_search"]);
});

Deno.test("llm install llm-anthropic, llm plugins, then llm -m claude-haiku-4.5 against the replay server", async () => {
  await using server = await startAnthropicServer();
  const user = await Deno.makeTempDir({ prefix: "llm-user-" });
  const env = { LLM_USER_PATH: user, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: "" };
  try {
    let out = await runCli(["install", "llm-anthropic", "--yes"], { env });
    assert.equal(out.code, 0, out.stderr);
    assert.match(
      out.stdout,
      /^Installed llm-anthropic 0\.1\.0 from .*plugins\/anthropic\/mod\.ts \(models: /,
    );

    out = await runCli(["plugins"], { env });
    assert.equal(out.code, 0, out.stderr);
    const listed = JSON.parse(out.stdout).find((p: { name: string }) => p.name === "llm-anthropic");
    assert.equal(listed.version, "0.1.0");
    assert.deepEqual(listed.hooks, ["register_models"]);

    out = await runCli(["models"], { env });
    assert.match(
      out.stdout,
      /Anthropic Messages: anthropic\/claude-haiku-4-5-20251001 \(aliases: claude-haiku-4\.5\)/,
    );

    out = await runCli(["keys", "set", "anthropic", "--value", "sk-ant-cli"], { env });
    assert.equal(out.code, 0, out.stderr);
    out = await runCli(["-m", "claude-haiku-4.5", "hi"], { env });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, "Echo: hi\n");
    assert.equal(server.requests.at(-1)!.headers["x-api-key"], "sk-ant-cli");

    // A recorded exchange through the CLI: the same request as the recorded one, the recorded answer.
    server.enqueue({ kind: "recorded", file: "stream-events-text" });
    out = await runCli(["-m", "claude-haiku-4.5", "Say just hello", "-o", "max_tokens", "8192", "-u"], {
      env,
    });
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(server.requests.at(-1)!.body, anthropicExchange("stream-events-text").request.body);
    assert.match(out.stdout, /hello/i);
    assert.match(out.stderr, /Token usage: \d+ input, \d+ output/);

    out = await runCli(["logs", "-n", "1", "--json"], { env });
    const [row] = JSON.parse(out.stdout);
    assert.equal(row.model, "anthropic/claude-haiku-4-5-20251001");
    assert.equal(row.prompt, "Say just hello");
    assert.deepEqual(row.options_json, { max_tokens: 8192 });

    // An API error reaches the terminal as one line.
    server.enqueue({ kind: "status", status: 401 });
    out = await runCli(["-m", "claude-haiku-4.5", "hi"], { env });
    assert.equal(out.code, 1);
    assert.equal(
      out.stderr,
      "Error: Anthropic API error 401 (authentication_error): invalid x-api-key; check the key set with " +
        "'llm keys set anthropic'\n",
    );
    assert.equal(out.stderr.trim().split("\n").length, 1);
  } finally {
    await Deno.remove(user, { recursive: true });
  }
});
