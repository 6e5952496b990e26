/**
 * Importing mod.ts loads only what a library user needs to list and prompt models: the plugin runtime and
 * installer, the logs.db turn store and reader, the tool selection, the template loader, the vector search
 * and the HTTP client of embeddings load when first used, and no `node:` module is imported (node:fs alone
 * costs more than half an empty `deno run`; node:sqlite loads when a database is first opened). The functions mod.ts exports in front of
 * them behave as the modules behind them do, in a process where nothing was loaded before.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { staticImportGraph, staticRepoImports } from "./support/static_graph.ts";

const ROOT = new URL("../", import.meta.url);

Deno.test("mod.ts's static graph has none of the parts that load on first use, and no node: module", async () => {
  const local = await staticRepoImports(new URL("mod.ts", ROOT));
  const lazy = [
    "lib/plugins/runtime.ts",
    "lib/plugins/activate.ts",
    "lib/plugins/install.ts",
    "lib/plugins/loader.ts",
    "lib/logs/store.ts",
    "lib/logs/history.ts",
    "lib/logs/fragments/record.ts",
    "lib/prompting/tools.ts",
    "lib/prompting/resume.ts",
    "lib/prompting/load_conversation.ts",
    "lib/templates/load.ts",
    "lib/tools/functions/load.ts",
    "lib/embeddings/search.ts",
    "lib/providers/openai/http.ts",
  ];
  assert.deepEqual(lazy.filter((path) => local.includes(path)), []);
  const { modules } = await staticImportGraph(new URL("mod.ts", ROOT));
  assert.deepEqual([...modules].filter((s) => s.startsWith("node:")), []);
  assert.ok(local.length > 40, `walked the graph: ${local.length} modules`);
});

const SCRIPT = `
import {
  Conversation, getPlugins, LogStore, installPlugin, loadConversation, loadPlugin, loadTemplate, NoConversationError,
  NoSuchTemplateError, uninstallPlugin, unloadPlugin,
} from ${JSON.stringify(new URL("mod.ts", ROOT).href)};
import { definePlugin } from ${JSON.stringify(new URL("plugin.ts", ROOT).href)};
const out = {};
// A synchronous first open of a database (node:sqlite not loaded yet) works.
const store = LogStore.open(Deno.env.get("LLM_USER_PATH") + "/first.db");
out.tables = store.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'responses'").get().n;
store.close();
out.none = getPlugins({ all: true });
const { record } = await installPlugin(${JSON.stringify(new URL("examples/plugins/echo.ts", ROOT).pathname)});
out.installed = record.name;
out.before = getPlugins({ all: true });
out.unloadNothing = unloadPlugin("llm-nothing");
await loadPlugin(definePlugin({ name: "llm-nothing", version: "1.2" }));
const runtime = await import(${JSON.stringify(new URL("lib/plugins/runtime.ts", ROOT).href)});
out.after = getPlugins({ all: true });
out.runtimeAfter = runtime.getPlugins({ all: true });
out.unload = unloadPlugin("llm-nothing");
out.unloadAgain = unloadPlugin("llm-nothing");
out.afterUnload = getPlugins().map((p) => p.name);
out.uninstalled = (await uninstallPlugin("llm-echo"))?.name;
out.end = getPlugins().map((p) => p.name);
try { await loadTemplate("no-such-template"); } catch (e) { out.template = e instanceof NoSuchTemplateError; }
try { await loadConversation(); } catch (e) { out.conversation = e instanceof NoConversationError; }
try { await Conversation.load("01nosuch"); } catch (e) { out.load = e instanceof NoConversationError; }
console.log(JSON.stringify(out));
`;

Deno.test("the plugin, template and conversation functions of mod.ts load their modules and agree with them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "llm-lazy-" });
  try {
    const script = join(dir, "script.ts");
    await Deno.mkdir(join(dir, "user"));
    await Deno.writeTextFile(script, SCRIPT);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", new URL("deno.json", ROOT).pathname, script],
      env: { LLM_USER_PATH: join(dir, "user"), NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    const out = JSON.parse(new TextDecoder().decode(output.stdout));
    const builtin = { name: "llm.default_plugins.openai_models", hooks: ["register_models"] };
    assert.equal(out.tables, 1);
    assert.deepEqual(out.none, [builtin]);
    assert.equal(out.installed, "llm-echo");
    assert.deepEqual(out.before.map((p: { name: string }) => p.name), ["llm-echo", builtin.name]);
    assert.equal(out.before[0].specifier.endsWith("examples/plugins/echo.ts"), true);
    assert.equal(out.unloadNothing, false);
    // Before the runtime loaded, the list was the one the runtime gives for the same plugins.json.
    assert.deepEqual(out.after, out.runtimeAfter);
    assert.deepEqual(out.after.filter((p: { name: string }) => p.name !== "llm-nothing"), out.before);
    assert.deepEqual(out.after.find((p: { name: string }) => p.name === "llm-nothing"), {
      name: "llm-nothing",
      hooks: [],
      version: "1.2",
      // Activated in this process by loadPlugin: it runs with the script's permissions.
      permissions: "unrestricted",
    });
    assert.equal(out.unload, true);
    assert.equal(out.unloadAgain, false);
    assert.deepEqual(out.afterUnload, ["llm-echo"]);
    assert.equal(out.uninstalled, "llm-echo");
    assert.deepEqual(out.end, []);
    assert.equal(out.template, true);
    assert.equal(out.conversation, true);
    assert.equal(out.load, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadSqlite and sqlite give the node:sqlite module, loaded once", async () => {
  const { loadSqlite, sqlite } = await import("../lib/deps/sqlite.ts");
  const loaded = await loadSqlite();
  assert.equal(loaded.DatabaseSync, (await import("node:sqlite")).DatabaseSync);
  assert.equal(sqlite(), loaded);
  assert.equal(await loadSqlite(), loaded);
});
