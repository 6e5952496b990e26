/**
 * A plugin that asks for built-in names (aliases `4o-mini` and `gpt-4o`, the id `gpt-4o-mini`): the built-ins
 * keep them, `llm install` and `llm plugins` say so once each, and `llm models`, `llm aliases` and `-m` agree,
 * with no warning on the other commands. The real CLI against the loopback server.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { cliSetup, ok } from "./support/cli_setup.ts";

const plugin = fileURLToPath(new URL("./fixtures/plugins/alias_clash.ts", import.meta.url));

const WARNINGS = [
  "Warning: Plugin llm-alias-clash: alias '4o-mini' of 'clash-model' is already an alias of 'gpt-4o-mini' " +
  "(openai), which keeps it; the alias is left out",
  "Warning: Plugin llm-alias-clash: alias 'gpt-4o' of 'clash-model' is already a model id of openai, which " +
  "keeps it; the alias is left out",
  "Warning: Plugin llm-alias-clash: model id 'gpt-4o-mini' is already a model id of openai, which keeps it; " +
  "this model is left out",
];

Deno.test("plugin names: built-ins keep their ids and aliases; install and llm plugins say so, once", async () => {
  await using t = await cliSetup();
  const install = ok(await t.llm(["install", plugin]));
  // The plugin declares no permissions: install says once that it runs unrestricted, then the name clashes.
  assert.deepEqual(install.stderr.trimEnd().split("\n"), [
    "Warning: Plugin llm-alias-clash declares no permissions, so it runs unrestricted, with all of llm's " +
    "access to your files, keys and network; set LLM_PLUGIN_SANDBOX=strict to run it in a sandbox with no " +
    "permissions",
    ...WARNINGS,
  ]);

  const aliases = ok(await t.llm(["aliases", "list", "--json"]));
  assert.equal(aliases.stderr, "");
  const map = JSON.parse(aliases.stdout);
  assert.equal(map["4o-mini"], "gpt-4o-mini");
  assert.equal(map["clash"], "clash-model");
  assert.equal(map["gpt-4o"], undefined, "a model id is never listed as an alias of another model");

  const models = ok(await t.llm(["models", "list"]));
  assert.equal(models.stderr, "");
  assert.match(models.stdout, /\nOpenAI Chat: gpt-4o-mini \(aliases: 4o-mini\)\n/);
  assert.match(models.stdout, /\nModel: clash-model \(aliases: clash\)\n/);
  assert.equal(models.stdout.match(/: gpt-4o-mini\b/g)?.length, 1, "one gpt-4o-mini");

  const builtIn = ok(await t.llm(["-m", "4o-mini", "-n", "hi"]));
  assert.equal(builtIn.stdout, "Echo: hi\n");
  assert.equal(builtIn.stderr, "");
  assert.equal(t.server.requests.at(-1)!.body.model, "gpt-4o-mini");
  ok(await t.llm(["-m", "gpt-4o", "-n", "hi"]));
  assert.equal(t.server.requests.at(-1)!.body.model, "gpt-4o");
  const own = ok(await t.llm(["-m", "clash", "-n", "hi"]));
  assert.equal(own.stdout, "from the plugin\n");
  assert.equal(own.stderr, "");
  assert.equal(t.server.requests.length, 2);

  const plugins = ok(await t.llm(["plugins"]));
  assert.equal(JSON.parse(plugins.stdout)[0].name, "llm-alias-clash");
  assert.deepEqual(plugins.stderr.trimEnd().split("\n"), WARNINGS);

  // The user's aliases.json comes on top: an alias the user sets wins, as before.
  ok(await t.llm(["aliases", "set", "4o-mini", "clash-model"]));
  assert.equal(ok(await t.llm(["-m", "4o-mini", "-n", "hi"])).stdout, "from the plugin\n");
  assert.equal(JSON.parse(ok(await t.llm(["aliases", "list", "--json"])).stdout)["4o-mini"], "clash-model");
});
