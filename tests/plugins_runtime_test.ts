/**
 * Plugins in a library process: plugin objects from this or another copy of the library, duplicate ids,
 * tools and loaders, LLM_LOAD_PLUGINS, and records refreshed when a local plugin changes.
 */
import assert from "node:assert/strict";
import { fragmentLoaderRegistry, templateLoaderRegistry } from "../lib/loaders/registries.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Model } from "../lib/models/model.ts";
import type { Prompt } from "../lib/models/prompt.ts";
import { getModel, registry } from "../lib/default_registry.ts";
import { definePlugin } from "../lib/plugins/api.ts";
import { loadPlugins } from "../lib/plugins/activate.ts";
import { getPluginTools } from "../lib/plugins/extensions.ts";
import { installPlugin } from "../lib/plugins/install.ts";
import { PluginModel } from "../lib/plugins/plugin_model.ts";
import { readPluginRecords } from "../lib/plugins/record.ts";
import { getPlugins, loadPlugin, pluginConflictMessages, unloadPlugin } from "../lib/plugins/runtime.ts";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { buildCommandTable } from "../lib/cli/table.ts";
import { tempUserDir } from "./support/env.ts";
import { runCli } from "./support/run_cli.ts";

const fixtures = fileURLToPath(new URL("./fixtures/plugins/", import.meta.url));

/** Collects registry warnings until disposed. */
function captureWarnings(): { messages: string[] } & Disposable {
  const saved = registry.onWarning;
  const messages: string[] = [];
  registry.onWarning = (m) => messages.push(m);
  return { messages, [Symbol.dispose]: () => void (registry.onWarning = saved) };
}

class Upper extends Model {
  constructor() {
    super("upper-lib", { supportsSchema: true });
  }
  override async *execute(prompt: Prompt) {
    yield prompt.prompt.toUpperCase();
  }
}

Deno.test("loadPlugin: our own Model instances register as they are; duck-typed ones are wrapped", async () => {
  await using _dir = await tempUserDir();
  const upper = new Upper();
  const info = await loadPlugin(definePlugin({
    name: "llm-test-mixed",
    version: "3.0.0",
    registerModels(register) {
      register(upper, { aliases: ["up"] });
      // A model made with "another copy": not an instance of our Model, only an id and execute().
      register({
        id: "foreign",
        label: "Foreign: foreign",
        supportsTools: true,
        async *execute(p: { prompt: string }) {
          yield `foreign saw ${p.prompt}`;
        },
      } as unknown as Model);
    },
  }));
  try {
    assert.deepEqual(info, {
      name: "llm-test-mixed",
      hooks: ["register_models"],
      version: "3.0.0",
      specifier: undefined,
    });
    assert.equal(getModel("up"), upper);
    const foreign = getModel("foreign");
    assert.ok(foreign instanceof PluginModel);
    assert.equal(foreign.label, "Foreign: foreign");
    assert.equal(foreign.supportsTools, true);
    const conversation = foreign.conversation();
    assert.equal(await conversation.prompt("one").text(), "foreign saw one");
    assert.equal(await conversation.prompt("two").text(), "foreign saw two");
    assert.deepEqual(getPlugins().map((p) => p.name), ["llm-test-mixed"]);
  } finally {
    unloadPlugin("llm-test-mixed");
  }
  assert.equal(registry.find("foreign"), undefined);
});

Deno.test("loadPlugins: LLM_PLUGINS specifiers load for this run; failures warn once and do not stop others", async () => {
  using warnings = captureWarnings();
  await using _dir = await tempUserDir({
    LLM_PLUGINS: [
      join(fixtures, "own_copy.ts"),
      join(fixtures, "broken_import.ts"),
      join(fixtures, "async_hooks.ts"),
    ]
      .join(","),
  });
  const infos = await loadPlugins();
  await loadPlugins(); // a second call warns no more
  try {
    assert.deepEqual(infos.map((i) => i.name), ["llm-whisper", "llm-async"]);
    assert.equal(warnings.messages.length, 1);
    assert.match(
      warnings.messages[0],
      /^Plugin '.*broken_import\.ts' could not be imported .*broken on purpose$/,
    );
    const whisper = getModel("quiet");
    assert.ok(whisper instanceof Model);
    assert.ok(!(whisper instanceof PluginModel));
    assert.equal(await whisper.prompt("HeLLo").text(), "hello");
    assert.equal(await getModel("async-model").prompt("x").text(), "async:x");
  } finally {
    unloadPlugin("llm-whisper");
    unloadPlugin("llm-async");
  }
});

Deno.test("a duplicate model id is not warned of on load but listed by pluginConflictMessages; the first one is kept", async () => {
  using warnings = captureWarnings();
  await using _dir = await tempUserDir();
  await installPlugin(join(fixtures, "shout/plugin.ts"));
  await loadPlugins([join(fixtures, "duplicate.ts")]);
  try {
    assert.equal(getModel("shout").label, "Shout: shout");
    assert.equal(getModel("dup-only").label, "Model: dup-only");
    assert.deepEqual(warnings.messages, [], "said by llm install and llm plugins, not on each load");
    assert.deepEqual(pluginConflictMessages(), [
      "Plugin llm-duplicate: model id 'shout' is already a model id of llm-shout, which keeps it; this model is left out",
    ]);
  } finally {
    unloadPlugin("llm-duplicate");
  }
});

Deno.test("tools and template/fragment loaders come from the plugins that recorded them", async () => {
  await using _dir = await tempUserDir();
  await installPlugin(join(fixtures, "shout/plugin.ts"));
  await installPlugin(join(fixtures, "async_hooks.ts"));
  await loadPlugin(definePlugin({
    name: "llm-test-tools",
    registerTools(register) {
      register({ name: "shout_tool", description: "Another one", implementation: () => "second" });
    },
  }));
  try {
    const tools = await getPluginTools();
    assert.deepEqual([...tools.keys()], ["shout_tool", "shout_tool_1"]);
    assert.equal(tools.get("shout_tool")?.plugin, "llm-shout");
    const call = { name: "shout_tool", arguments: { text: "hey" } };
    const context = { call, signal: new AbortController().signal };
    assert.equal(await tools.get("shout_tool")?.implementation({ text: "hey" }, context), "HEY");
    assert.equal(tools.get("shout_tool_1")?.plugin, "llm-test-tools");

    await loadPlugins(); // connects the loader registries
    const template = await templateLoaderRegistry.get("shout");
    assert.equal(template?.description, "Shouted templates");
    assert.deepEqual(await template?.loader("hi"), { prompt: "HI" });
    const fragment = await fragmentLoaderRegistry.get("shout");
    assert.deepEqual(await fragment?.loader("abc"), { content: "ABC", source: "shout:abc" });
  } finally {
    unloadPlugin("llm-test-tools");
  }
});

Deno.test("LLM_LOAD_PLUGINS limits the installed plugins in use; unknown names warn", async () => {
  using warnings = captureWarnings();
  await using _dir = await tempUserDir({ LLM_LOAD_PLUGINS: "llm-async,llm-missing-x" });
  await installPlugin(join(fixtures, "shout/plugin.ts"));
  await installPlugin(join(fixtures, "async_hooks.ts"));
  registry.reload();
  assert.deepEqual(getPlugins().map((p) => p.name), ["llm-async"]);
  assert.deepEqual(warnings.messages, [
    "Plugin llm-missing-x: could not be found; run 'llm plugins' to list installed plugins",
  ]);
  await loadPlugins();
  assert.equal(registry.find("shout"), undefined);
  assert.equal(registry.find("async-model")?.label, "Async: async-model");
  Deno.env.set("LLM_LOAD_PLUGINS", "");
  try {
    assert.deepEqual(getPlugins({ all: true }).map((p) => p.name), ["llm.default_plugins.openai_models"]);
  } finally {
    Deno.env.delete("LLM_LOAD_PLUGINS");
  }
});

Deno.test("a local plugin that changed is re-recorded when it is next loaded", async () => {
  await using dir = await tempUserDir();
  const file = join(dir.path, "grow.ts");
  const source = (ids: string[]) =>
    `export default { name: "llm-grow", registerModels(r) { for (const id of ${
      JSON.stringify(ids)
    }) r({ id, async *execute() { yield id; } }); } };\n`;
  await Deno.writeTextFile(file, source(["g1"]));
  await installPlugin(file);
  // The file changes after install; the record keeps g1 alone until the plugin is next imported (by a run of
  // the CLI here, since this process has the first version cached).
  await Deno.writeTextFile(file, source(["g1", "g2"]));
  assert.deepEqual(readPluginRecords()[0].models.map((m) => m.id), ["g1"]);
  const run = await runCli(["-m", "g1", "x", "--no-log"]);
  assert.equal(run.stdout, "g1\n");
  assert.deepEqual(readPluginRecords()[0].models.map((m) => m.id), ["g1", "g2"]);
  registry.reload();
  assert.equal(getModel("g2").label, "Model: g2");
});

Deno.test("main() in a process with a plugin activated by loadPlugin() runs that plugin's command", async () => {
  await using dir = await tempUserDir();
  // An installed plugin brings the CLI's plugin hook in; the activated one is not installed.
  assert.equal(
    (await runCli(["install", fileURLToPath(new URL("../examples/plugins/echo.ts", import.meta.url))])).code,
    0,
  );
  assert.ok(readPluginRecords().length === 1, dir.path);
  await loadPlugin(definePlugin({
    name: "llm-in-process",
    registerCommands(cli) {
      cli.add({
        name: "in-process",
        summary: "Runs in this process",
        run: (ctx) => {
          ctx.io.stdout.write("ran\n");
          return Promise.resolve();
        },
      });
    },
  }));
  try {
    const io = memoryIo();
    const code = await main(["in-process"], io, { root: buildCommandTable(), dotenv: false });
    assert.equal(code, 0, `stdout: ${io.stdoutText()} stderr: ${io.stderrText()}`);
    assert.equal(io.stdoutText(), "ran\n");
  } finally {
    unloadPlugin("llm-in-process");
  }
});
