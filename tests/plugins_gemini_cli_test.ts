/**
 * The Gemini plugin as a user meets it, through the real CLI in subprocesses against the loopback replay:
 * `llm install ./plugins/gemini/mod.ts`, `llm plugins`, `llm models`, prompts, `-u`, `llm gemini models`,
 * and what lands in logs.db, row for row against what Python `llm` with `llm-gemini` wrote for the same
 * commands (tests/fixtures/gemini-python/). Also: `llm logs` reads Python's Gemini logs as Python prints
 * them, and the plugin package passes `deno publish --dry-run` and `deno doc --lint`.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import plugin from "../plugins/gemini/mod.ts";
import { getModel } from "../lib/default_registry.ts";
import { loadPlugin, unloadPlugin } from "../lib/plugins/runtime.ts";
import { LogStore } from "../lib/logs/log_response.ts";
import type { Message, ToolResultPart } from "../lib/models/messages.ts";
import { runCli } from "./support/run_cli.ts";
import { tempUserDir } from "./support/env.ts";
import { startGeminiServer } from "./support/gemini_server.ts";
import { geminiPythonPath, pythonSchemas } from "./support/gemini_python.ts";

const repoDir = fileURLToPath(new URL("../", import.meta.url));
const pluginPath = join(repoDir, "plugins/gemini/mod.ts");
const KEY = "test-key";
const SCHEMAS = pythonSchemas();

const python = (name: string) => Deno.readTextFileSync(geminiPythonPath(name));

type Row = Record<string, unknown>;

/** The turns of a logs.db with their message chains' rows (messages and parts), ids and times left out. */
function turnsOf(path: string): Row[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const turns = db.prepare(
      `select model, resolved_model, options_json, schema_id, input_tokens, output_tokens, token_details,
        response_json, parent_message_hash, tip_message_hash from turns order by rowid`,
    ).all() as Row[];
    const message = db.prepare(
      "select hash, parent_hash, role, provider_metadata from messages where hash = ?",
    );
    const parts = db.prepare(
      "select position, type, tool_name, text, payload from parts where message_hash = ? order by position",
    );
    return turns.map((turn) => {
      const chain: Row[] = [];
      let hash = turn.tip_message_hash as string | null;
      while (hash) {
        const row = message.get(hash) as Row;
        chain.unshift({ ...row, parts: parts.all(hash) });
        hash = row.parent_hash as string | null;
      }
      return { ...turn, chain };
    });
  } finally {
    db.close();
  }
}

Deno.test("llm install by path, llm plugins and llm models; a prompt against the replay; -u as Python prints it", async () => {
  await using gemini = await startGeminiServer();
  await using _dir = await tempUserDir({ LLM_GEMINI_BASE_URL: gemini.url, LLM_GEMINI_KEY: KEY });
  const install = await runCli(["install", pluginPath]);
  assert.equal(install.code, 0, install.stderr);
  assert.match(
    install.stdout,
    /^Installed llm-gemini 0\.1\.0 from .*plugins\/gemini\/mod\.ts \(models: gemini\//,
  );
  assert.match(install.stdout, /; commands: gemini\)\n$/);
  const plugins = JSON.parse((await runCli(["plugins"])).stdout);
  assert.deepEqual(plugins, [{
    name: "llm-gemini",
    hooks: ["register_models", "register_embedding_models", "register_commands"],
    version: "0.1.0",
    specifier: pluginPath,
  }]);
  const models = await runCli(["models"]);
  const ours = models.stdout.split("\n").filter((line) => line.startsWith("GeminiPro: "));
  assert.deepEqual(ours, python("models-gemini.txt").trimEnd().split("\n"), "the same lines as Python's");
  assert.equal(gemini.requests.length, 0, "listing models sends nothing");

  gemini.enqueueRecording("resolved-model", { splitAt: 8 });
  const hi = await runCli(["-m", "gemini-flash-latest", "hi", "-u"]);
  assert.equal(hi.code, 0, hi.stderr);
  assert.equal(hi.stdout, python("cli-resolved.stdout"));
  // -u adds a Cost line (lib/pricing, not in Python llm): Gemini prices are not in the table, so it says so.
  assert.match(hi.stderr, /\nCost: unknown \(no price known for gemini\/gemini-flash-latest\)\n$/);
  assert.equal(withoutCostLines(hi.stderr), python("cli-resolved.stderr"));
  gemini.enqueueRecording("prompt");
  const prompt = await runCli(["-m", "gemini-flash-latest", "Name for a pet pelican, just the name"]);
  assert.equal(prompt.stdout, python("cli-prompt.stdout"));
  assert.equal(prompt.stderr, python("cli-prompt.stderr"), "the thinking goes to stderr, as in Python");
  assert.deepEqual(gemini.requests.map((r) => [r.path, r.apiKey]), [
    ["/v1beta/models/gemini-flash-latest:streamGenerateContent", KEY],
    ["/v1beta/models/gemini-flash-latest:streamGenerateContent", KEY],
  ]);

  const noKey = await runCli(["-m", "gemini-2.5-flash", "hi"], { env: { LLM_GEMINI_KEY: "" } });
  assert.equal(noKey.code, 1);
  assert.equal(
    noKey.stderr,
    "Error: No key found - add one using 'llm keys set gemini' or set the LLM_GEMINI_KEY environment variable\n",
  );
});

Deno.test("llm gemini models prints what Python's llm-gemini prints; without a key it says how to give one", async () => {
  await using gemini = await startGeminiServer();
  await using _dir = await tempUserDir({ LLM_GEMINI_BASE_URL: gemini.url, LLM_GEMINI_KEY: undefined });
  assert.equal((await runCli(["install", pluginPath])).code, 0);
  const noKey = await runCli(["gemini", "models"]);
  assert.equal(noKey.code, 1);
  assert.equal(noKey.stderr, python("cli-nokey.stderr"));
  gemini.enqueueRecording("cli-gemini-models");
  const all = await runCli(["gemini", "models", "--key", KEY]);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.stdout, python("cli-models.stdout"));
  const embed = await runCli(["gemini", "models", "--key", KEY, "--method", "embedContent"]);
  assert.equal(embed.stdout, python("cli-models-method.stdout"));
  assert.deepEqual(gemini.requests.map((r) => [r.method, r.path, r.apiKey, r.search]), [
    ["GET", "/v1beta/models", KEY, ""],
    ["GET", "/v1beta/models", KEY, ""],
  ]);
  gemini.enqueue({
    kind: "body",
    status: 403,
    body: JSON.stringify({
      error: { code: 403, message: "Permission denied.", status: "PERMISSION_DENIED" },
    }),
  });
  const denied = await runCli(["gemini", "models", "--key", KEY]);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /^Error: Gemini API error for the model list \(HTTP 403 PERMISSION_DENIED\): /);
});

Deno.test("logs.db after the same prompts as Python's: turns, usage, response JSON, schemas, messages, parts", async () => {
  await using gemini = await startGeminiServer();
  await using dir = await tempUserDir({ LLM_GEMINI_BASE_URL: gemini.url, LLM_GEMINI_KEY: KEY });
  assert.equal((await runCli(["install", pluginPath])).code, 0);
  const runs: [string, string[]][] = [
    ["prompt", ["Name for a pet pelican, just the name"]],
    ["resolved-model", ["hi", "-u"]],
    ["prompt-with-pydantic-schema", ["Invent a cool dog", "--no-stream"]],
    ["nested-model-direct-reference", ["Create a person named Alice living in San Francisco", "--no-stream"]],
    ["nested-model-optional", ["Create a person named Bob who works at TechCorp", "--no-stream"]],
  ];
  for (const [name, args] of runs) {
    gemini.enqueueRecording(name, { splitAt: 64 });
    const schema = SCHEMAS[name] ? ["--schema", JSON.stringify(SCHEMAS[name])] : [];
    const run = await runCli(["-m", "gemini-flash-latest", ...args, ...schema]);
    assert.equal(run.code, 0, run.stderr);
  }
  const ours = turnsOf(join(dir.path, "logs.db"));
  const theirs = turnsOf(geminiPythonPath("logs.db")).slice(0, runs.length);
  assert.equal(ours.length, runs.length);
  for (const [i, [name]] of runs.entries()) assert.deepEqual(ours[i], theirs[i], name);
});

Deno.test("a tool chain logged through the library writes the turns Python's chain wrote", async () => {
  await using gemini = await startGeminiServer();
  await using dir = await tempUserDir({ LLM_GEMINI_BASE_URL: gemini.url, LLM_GEMINI_KEY: KEY });
  await loadPlugin(plugin);
  const store = LogStore.open();
  try {
    const exchanges = gemini.enqueueRecording("tools-with-nested-pydantic-models");
    const tools = [{
      name: "add_person",
      description: "Add a person with their address to the database",
      inputSchema: SCHEMAS["tools-with-nested-pydantic-models"],
    }];
    const model = getModel("gemini-flash-latest");
    const first = model.prompt(
      "Add Alice who is 30 years old and lives at 123 Main St, San Francisco, CA 94102 to the database",
      { tools },
    );
    await store.log(first);
    const [call] = await first.toolCalls();
    const output = exchanges[1].request.body.contents.at(-1).parts[0].function_response.response.output;
    const results: ToolResultPart[] = [
      { type: "tool_result", name: call.name, output, tool_call_id: call.toolCallId },
    ];
    const history: Message[] = [...first.prompt.messages, ...await first.messages()];
    const second = model.prompt(undefined, { tools, messages: history, toolResults: results });
    await store.log(second);
  } finally {
    store.close();
    unloadPlugin("llm-gemini");
  }
  const ours = turnsOf(join(dir.path, "logs.db"));
  const theirs = turnsOf(geminiPythonPath("logs.db")).slice(8, 10);
  assert.deepEqual(ours, theirs);
});

Deno.test("llm logs reads Python's Gemini logs.db as Python prints it (markdown, -u, --json)", async () => {
  await using dir = await tempUserDir();
  const db = join(dir.path, "python-logs.db");
  await Deno.copyFile(geminiPythonPath("logs.db"), db);
  const markdown = await runCli(["logs", "-n", "0", "-d", db]);
  assert.equal(markdown.stdout, python("logs.md"), markdown.stderr);
  const usage = (await runCli(["logs", "-n", "0", "-u", "-d", db])).stdout;
  assert.match(usage, /\nCost: unknown \(no price known for gemini\/[^)]+\)\n/);
  assert.equal(withoutCostLines(usage), python("logs-usage.md"));
  const json = await runCli(["logs", "-n", "0", "--json", "-d", db]);
  assert.deepEqual(JSON.parse(json.stdout), JSON.parse(python("logs.json")));
});

Deno.test("the plugin package: deno publish --dry-run and deno doc --lint pass", async () => {
  const deno = async (args: string[], cwd: string) => {
    const out = await new Deno.Command(Deno.execPath(), { args, cwd, stdout: "piped", stderr: "piped" })
      .output();
    const decoder = new TextDecoder();
    return { code: out.code, output: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
  };
  const publish = await deno(["publish", "--dry-run", "--allow-dirty"], join(repoDir, "plugins/gemini"));
  assert.equal(publish.code, 0, publish.output);
  assert.match(publish.output, /Simulating publish.*@denollm\/llm-gemini@0\.1\.0/);
  assert.match(publish.output, /plugins\/gemini\/README\.md/);
  const doc = await deno(
    ["doc", "--lint", "plugins/gemini/mod.ts", "mod.ts", "plugin.ts", "cli.ts"],
    repoDir,
  );
  assert.equal(doc.code, 0, doc.output);
  const version = JSON.parse(await Deno.readTextFile(join(repoDir, "plugins/gemini/deno.json"))).version;
  assert.equal(plugin.version, version, "the plugin's version is its package's");
});

Deno.test({
  name: "llm install llm-gemini installs the workspace package; a prompt then works",
  async fn() {
    await using gemini = await startGeminiServer();
    await using _dir = await tempUserDir({ LLM_GEMINI_BASE_URL: gemini.url, LLM_GEMINI_KEY: KEY });
    const install = await runCli(["install", "llm-gemini"], { cwd: repoDir });
    assert.equal(install.code, 0, install.stderr);
    assert.match(install.stdout, /^Installed llm-gemini 0\.1\.0 /);
    gemini.enqueueRecording("resolved-model");
    const hi = await runCli(["-m", "gemini-flash-latest", "hi"]);
    assert.equal(hi.stdout, "Hello! How can I help you today?\n", hi.stderr);
    const plugins = JSON.parse((await runCli(["plugins"])).stdout);
    assert.equal(plugins[0].version, "0.1.0");
  },
});

/** Output without the `Cost:` lines our -u adds (Python llm prints none). */
function withoutCostLines(text: string): string {
  return text.replace(/^Cost: .*\n(\n)?/gm, "");
}
