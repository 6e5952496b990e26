/**
 * `llm install`, `llm plugins`, `llm uninstall`, plugin commands and plugin failures, through the real CLI in
 * a subprocess.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "./support/run_cli.ts";
import { startPluginServer } from "./support/plugin_server.ts";
import { tempUserDir } from "./support/env.ts";
import { staticRepoImports } from "./support/static_graph.ts";

const fixtures = fileURLToPath(new URL("./fixtures/plugins/", import.meta.url));
const shoutPath = join(fixtures, "shout/plugin.ts");
const SHOUT_HOOKS = [
  "register_models",
  "register_commands",
  "register_tools",
  "register_template_loaders",
  "register_fragment_loaders",
];

Deno.test("llm install PATH, llm plugins, plugin commands and models", async () => {
  await using _dir = await tempUserDir();
  const install = await runCli(["install", shoutPath]);
  // It declares no permissions: it runs unrestricted, and install says so (once; later runs do not).
  assert.equal(
    install.stderr,
    "Warning: Plugin llm-shout declares no permissions, so it runs unrestricted, with all of llm's access to " +
      "your files, keys and network; set LLM_PLUGIN_SANDBOX=strict to run it in a sandbox with no permissions\n",
  );
  assert.equal(
    install.stdout,
    `Installed llm-shout 1.2.0 from ${shoutPath} (models: shout, shout-key; commands: shout-info; tools: shout_tool)\n`,
  );
  assert.equal(install.code, 0);

  const plugins = await runCli(["plugins"]);
  assert.equal(plugins.code, 0);
  assert.equal(
    plugins.stdout,
    JSON.stringify(
      [{
        name: "llm-shout",
        hooks: SHOUT_HOOKS,
        version: "1.2.0",
        specifier: shoutPath,
        permissions: "unrestricted",
      }],
      null,
      2,
    ) +
      "\n",
  );
  const all = JSON.parse((await runCli(["plugins", "--all"])).stdout);
  assert.deepEqual(all.map((p: { name: string }) => p.name), [
    "llm-shout",
    "llm.default_plugins.openai_models",
  ]);
  const hooks = await runCli(["plugins", "--hook", "register_embedding_models", "--hook", "register_tools"]);
  assert.deepEqual(JSON.parse(hooks.stdout).map((p: { name: string }) => p.name), ["llm-shout"]);
  assert.equal((await runCli(["plugins", "--hook", "register_embedding_models"])).stdout, "[]\n");

  const command = await runCli(["shout-info", "hello", "--loud"]);
  assert.equal(command.stdout, "SHOUT PLUGIN: HELLO\n");
  assert.equal(command.code, 0);
  const help = await runCli(["--help"]);
  assert.match(help.stdout, /\n {2}shout-info +Say what the shout plugin has\n/);
  const commandHelp = await runCli(["shout-info", "--help"]);
  assert.match(commandHelp.stdout, /Usage: llm shout-info \[OPTIONS\] \[WORD\]/);
  assert.match(commandHelp.stdout, /--loud/);

  const models = await runCli(["models", "list"]);
  assert.match(models.stdout, /\nShout: shout \(aliases: yell\)\nShout: shout-key\n/);
  const prompt = await runCli(["-m", "yell", "hello there", "-o", "times", "2", "--no-log"]);
  assert.equal(prompt.stdout, "HELLO THERE HELLO THERE\n");
  assert.equal(prompt.code, 0);

  // Template and fragment loaders reach -t and -f; `llm templates loaders` lists them.
  const fragment = await runCli(["-m", "yell", "-f", "shout:abc", "q", "--no-log"]);
  assert.equal(fragment.stdout, "ABC\nQ\n");
  const template = await runCli(["-m", "yell", "-t", "shout:hello", "--no-log"]);
  assert.equal(template.stdout, "HELLO\n");
  assert.equal((await runCli(["templates", "loaders"])).stdout, "shout:\n  Shouted templates\n");
});

Deno.test("listing needs no plugin code: a plugin that breaks later fails only when it is used", async () => {
  await using dir = await tempUserDir();
  const copy = join(dir.path, "src");
  await Deno.mkdir(copy);
  for (const file of ["plugin.ts", "shout_model.ts"]) {
    await Deno.copyFile(join(fixtures, "shout", file), join(copy, file));
  }
  assert.equal((await runCli(["install", join(copy, "plugin.ts")])).code, 0);
  await Deno.writeTextFile(join(copy, "plugin.ts"), 'throw new Error("broke after install");\n');

  const models = await runCli(["models", "list"]);
  assert.equal(models.code, 0);
  assert.equal(models.stderr, "");
  assert.match(models.stdout, /Shout: shout \(aliases: yell\)/);
  const plugins = await runCli(["plugins"]);
  assert.equal(plugins.code, 0);
  assert.equal(JSON.parse(plugins.stdout)[0].name, "llm-shout");
  const version = await runCli(["--version"]);
  assert.equal(version.code, 0);
  assert.equal(version.stderr, "");

  const command = await runCli(["shout-info"]);
  assert.equal(command.code, 1);
  assert.match(
    command.stderr,
    /^Error: Plugin 'llm-shout' could not be imported from .*: broke after install\n$/,
  );
  const prompt = await runCli(["-m", "shout", "hi", "--no-log"]);
  assert.equal(prompt.code, 1);
  assert.match(prompt.stderr, /Error: Plugin 'llm-shout' could not be imported/);
});

Deno.test("LLM_LOAD_PLUGINS picks installed plugins; LLM_PLUGINS adds some for one run; failures warn once", async () => {
  await using _dir = await tempUserDir();
  assert.equal((await runCli(["install", shoutPath, join(fixtures, "async_hooks.ts")])).code, 0);
  const none = await runCli(["plugins"], { env: { LLM_LOAD_PLUGINS: "" } });
  assert.equal(none.stdout, "[]\n");
  const one = await runCli(["plugins"], { env: { LLM_LOAD_PLUGINS: "llm-async, nope" } });
  assert.deepEqual(JSON.parse(one.stdout).map((p: { name: string }) => p.name), ["llm-async"]);
  assert.equal(
    one.stderr,
    "Warning: Plugin nope: could not be found; run 'llm plugins' to list installed plugins\n",
  );
  // --help lists plugin commands without activating plugins; the warning is the same, once.
  const help = await runCli(["--help"], { env: { LLM_LOAD_PLUGINS: "llm-shout, nope" } });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /\n {2}shout-info +Say what the shout plugin has\n/);
  assert.equal(help.stderr, one.stderr);
  const onlyAsync = await runCli(["models", "list"], { env: { LLM_LOAD_PLUGINS: "llm-async" } });
  assert.match(onlyAsync.stdout, /Async: async-model/);
  assert.doesNotMatch(onlyAsync.stdout, /Shout/);

  const extra = [
    join(fixtures, "broken_import.ts"),
    join(fixtures, "broken_hook.ts"),
    join(fixtures, "duplicate.ts"),
  ].join(",");
  const run = await runCli(["models", "list"], { env: { LLM_PLUGINS: extra } });
  assert.equal(run.code, 0);
  const warnings = run.stderr.trim().split("\n");
  assert.equal(warnings.length, 2, run.stderr);
  assert.match(
    warnings[0],
    /^Warning: Plugin '.*broken_import\.ts' could not be imported from .*broken_import\.ts: .*broken on purpose$/,
  );
  assert.equal(warnings[1], "Warning: Plugin llm-broken-hook: registerModels failed: no models today");
  // The id llm-duplicate loses to llm-shout is said by llm plugins, not on every command (issue 12).
  const plugins = await runCli(["plugins"], { env: { LLM_PLUGINS: extra } });
  assert.equal(
    plugins.stderr.trim().split("\n").at(-1),
    "Warning: Plugin llm-duplicate: model id 'shout' is already a model id of llm-shout, which keeps it; " +
      "this model is left out",
  );
  assert.match(run.stdout, /Shout: shout \(aliases: yell\)/);
  assert.match(run.stdout, /Model: dup-only/);
  const still = await runCli(["still-works"], { env: { LLM_PLUGINS: extra } });
  assert.equal(still.stdout, "still works\n");
  assert.equal(still.code, 0);
});

Deno.test("llm install URL and jsr: from loopback servers; llm uninstall asks first", async () => {
  await using server = startPluginServer(fixtures);
  await using dir = await tempUserDir({ JSR_URL: server.jsrUrl });
  server.addJsrVersion("@test/plugin", "0.3.0", {
    files: {
      "/mod.ts":
        'export default { name: "llm-jsr", registerModels(r) { r({ id: "j", async *execute() { yield "jay"; } }); } };\n',
    },
    exports: { ".": "./mod.ts" },
  });
  const url = `${server.url}/files/shout/plugin.ts`;
  const install = await runCli(["install", url, "jsr:@test/plugin"]);
  assert.equal(install.code, 0, install.stderr);
  assert.match(
    install.stdout,
    /^Installed llm-shout 1\.2\.0 from http:\/\/127\.0\.0\.1:\d+\/files\/shout\/plugin\.ts /,
  );
  assert.match(install.stdout, /\nInstalled llm-jsr 0\.3\.0 from jsr:@test\/plugin \(models: j\)\n$/);
  const again = await runCli(["install", "jsr:@test/plugin"]);
  assert.match(
    again.stdout,
    /^Plugin llm-jsr 0\.3\.0 is already installed from jsr:@test\/plugin; use --upgrade/,
  );
  const prompt = await runCli(["-m", "j", "x", "--no-log"]);
  assert.equal(prompt.stdout, "jay\n");

  const kept = await runCli(["uninstall", "llm-jsr"], { stdin: "n\n" });
  assert.equal(kept.code, 0);
  assert.match(kept.stderr, /Uninstall llm-jsr 0\.3\.0\? Proceed \(Y\/n\)\? Kept llm-jsr\n/);
  const removed = await runCli(["uninstall", "llm-jsr", url, "llm-nope", "-y"]);
  assert.equal(removed.code, 0);
  assert.equal(removed.stdout, "Uninstalled llm-jsr\nUninstalled llm-shout\n");
  assert.equal(removed.stderr, "Warning: Skipping llm-nope: it is not installed\n");
  assert.deepEqual(await Array.fromAsync(Deno.readDir(join(dir.path, "plugins"))), []);
  assert.equal((await runCli(["plugins"])).stdout, "[]\n");

  const bad = await runCli(["install"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Give at least one plugin to install/);
});

Deno.test("before a command runs, the plugin hook reaches no model code: --version and --help stay light", async () => {
  const reached = await staticRepoImports(new URL("../lib/cli/plugin_hook.ts", import.meta.url));
  assert.ok(reached.includes("lib/plugins/enabled.ts"), reached.join(", "));
  const heavy = [
    "lib/default_registry.ts",
    "lib/models/model.ts",
    "lib/plugins/runtime.ts",
    "lib/plugins/activate.ts",
  ];
  assert.deepEqual(heavy.filter((m) => reached.includes(m)), [], "statically imported");
});
