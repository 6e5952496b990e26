/**
 * Installing plugins through the library: by path, by URL from a loopback server (with its relative imports),
 * and from a JSR-shaped loopback registry; what plugins.json records; changed files refused on load.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getModel } from "../lib/default_registry.ts";
import { installPlugin, uninstallPlugin } from "../lib/plugins/install.ts";
import { readPluginRecords } from "../lib/plugins/record.ts";
import { registerInstalledPlugins } from "../lib/plugins/runtime.ts";
import { PluginModel } from "../lib/plugins/plugin_model.ts";
import { startPluginServer } from "./support/plugin_server.ts";
import { tempUserDir } from "./support/env.ts";

const fixtures = fileURLToPath(new URL("./fixtures/plugins/", import.meta.url));

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("install by path records the plugin's registrations; its models load on first use", async () => {
  await using dir = await tempUserDir({ SHOUT_KEY: undefined });
  const { record, status } = await installPlugin(join(fixtures, "shout/plugin.ts"));
  assert.equal(status, "installed");
  assert.equal(record.name, "llm-shout");
  assert.equal(record.version, "1.2.0");
  assert.equal(record.source, "path");
  assert.equal(record.specifier, join(fixtures, "shout/plugin.ts"));
  assert.equal(record.dir, undefined);
  assert.deepEqual(record.hooks, [
    "register_models",
    "register_commands",
    "register_tools",
    "register_template_loaders",
    "register_fragment_loaders",
  ]);
  const [shout, shoutKey] = record.models;
  assert.deepEqual(
    { ...shout, options: undefined },
    {
      id: "shout",
      aliases: ["yell"],
      label: "Shout: shout",
      canStream: true,
      supportsSchema: false,
      supportsTools: false,
      attachmentTypes: ["image/png"],
      options: undefined,
    },
  );
  assert.deepEqual(shout.options.map((o) => [o.name, o.type, o.description]), [
    ["times", "int", "How many times to shout"],
  ]);
  assert.equal(shoutKey.needsKey, "shout");
  assert.equal(shoutKey.keyEnvVar, "SHOUT_KEY");
  assert.deepEqual(record.commands, [{ name: "shout-info", summary: "Say what the shout plugin has" }]);
  assert.deepEqual(record.tools, ["shout_tool"]);
  assert.deepEqual(record.templateLoaders, [{ prefix: "shout", description: "Shouted templates" }]);
  assert.deepEqual(record.fragmentLoaders, [{ prefix: "shout" }]);
  const onDisk = JSON.parse(await Deno.readTextFile(join(dir.path, "plugins.json")));
  assert.deepEqual(onDisk.plugins[0].name, "llm-shout");

  registerInstalledPlugins();
  const model = getModel("yell");
  assert.ok(model instanceof PluginModel);
  assert.equal(model.id, "shout");
  assert.equal(model.label, "Shout: shout");
  assert.equal(model.loaded, false);
  // The recorded option schema already rejects bad values, before the plugin is imported.
  const bad = model.prompt("hi", { options: { times: 9 } });
  await assert.rejects(bad.text(), /times/);
  assert.equal(model.loaded, false);
  assert.equal(await model.prompt("hi", { options: { times: "2" } }).text(), "HI HI");
  assert.equal(model.loaded, true);
  await assert.rejects(getModel("shout-key").prompt("x").text(), /shout/);
  Deno.env.set("SHOUT_KEY", "k1");
  try {
    assert.equal(await getModel("shout-key").prompt("x").text(), "X key=k1");
  } finally {
    Deno.env.delete("SHOUT_KEY");
  }
});

Deno.test("install by URL downloads the module and its relative imports, with checksums", async () => {
  await using _dir = await tempUserDir();
  await using server = startPluginServer(fixtures);
  const url = `${server.url}/files/shout/plugin.ts`;
  const { record } = await installPlugin(url);
  assert.equal(record.source, "url");
  assert.equal(record.specifier, url);
  assert.equal(record.dir, join("plugins", "llm-shout"));
  assert.equal(record.entry, "plugin.ts");
  assert.deepEqual(Object.keys(record.files ?? {}).sort(), ["plugin.ts", "shout_model.ts"]);
  const pluginDir = join(Deno.env.get("LLM_USER_PATH")!, "plugins", "llm-shout");
  const text = await Deno.readTextFile(join(pluginDir, "shout_model.ts"));
  assert.equal(text, await Deno.readTextFile(join(fixtures, "shout/shout_model.ts")));
  assert.deepEqual([...(await Array.fromAsync(Deno.readDir(join(pluginDir, ".."))))].map((e) => e.name), [
    "llm-shout",
  ]);
  // Already installed: nothing is fetched again.
  const before = server.requests.length;
  assert.equal((await installPlugin(url)).status, "unchanged");
  assert.equal(server.requests.length, before);

  registerInstalledPlugins();
  assert.equal(await getModel("shout").prompt("from disk").text(), "FROM DISK");
});

Deno.test("install by an extension-less URL (a bundle) names the file after its content type", async () => {
  await using _dir = await tempUserDir();
  await using server = startPluginServer(fixtures);
  server.serve(
    "/bundles/llm-bundle",
    'export default { name: "llm-bundle", registerModels(r) { r({ id: "b", async *execute() { yield "bundled"; } }); } };\n',
  );
  const { record } = await installPlugin(`${server.url}/bundles/llm-bundle`);
  assert.equal(record.entry, "llm-bundle.js");
  assert.deepEqual(Object.keys(record.files ?? {}), ["llm-bundle.js"]);
  registerInstalledPlugins();
  assert.equal(await getModel("b").prompt("x").text(), "bundled");
});

Deno.test("a downloaded file that changed after install is refused with a clear error", async () => {
  await using dir = await tempUserDir();
  await using server = startPluginServer(fixtures);
  await installPlugin(`${server.url}/files/shout/plugin.ts`);
  const file = join(dir.path, "plugins", "llm-shout", "shout_model.ts");
  await Deno.writeTextFile(file, "export class ShoutModel { constructor() { this.id = 'pwned'; } }\n");
  registerInstalledPlugins();
  await assert.rejects(
    getModel("shout").prompt("x").text(),
    (error: Error) => {
      assert.equal(error.name, "PluginIntegrityError");
      assert.match(
        error.message,
        /Plugin 'llm-shout' was not loaded: its file .*shout_model\.ts has changed/,
      );
      assert.match(error.message, /llm install --force-reinstall llm-shout/);
      return true;
    },
  );
  await Deno.remove(file);
  await assert.rejects(getModel("shout").prompt("x").text(), /is missing its file/);
  // The advice in the message works: reinstalling by name fetches the plugin again from where it came from.
  const again = await installPlugin("llm-shout", { forceReinstall: true });
  assert.equal(again.record.specifier, `${server.url}/files/shout/plugin.ts`);
  registerInstalledPlugins();
  assert.equal(await getModel("shout").prompt("x").text(), "X");
});

function jsrPlugin(version: string): Record<string, string> {
  return {
    "/mod.ts": `import { label } from "./lib/label.ts";\n` +
      `export default { name: "llm-jsr-test", registerModels(register) {\n` +
      `  register({ id: "jsr-model", label: label("${version}"), async *execute(p) { yield "${version}:" + p.prompt; } });\n` +
      `} };\n`,
    "/lib/label.ts": `export function label(v) { return "JSR test " + v; }\n`,
    "/deno.json": `{ "name": "@test/plugin", "version": "${version}", "exports": "./mod.ts" }\n`,
  };
}

Deno.test("install jsr: resolves the range through meta.json and verifies the manifest's checksums", async () => {
  await using server = startPluginServer(fixtures);
  await using dir = await tempUserDir({ JSR_URL: server.jsrUrl });
  server.addJsrVersion("@test/plugin", "1.0.0", { files: jsrPlugin("1.0.0"), exports: { ".": "./mod.ts" } });
  server.addJsrVersion("@test/plugin", "1.1.0", { files: jsrPlugin("1.1.0"), exports: { ".": "./mod.ts" } });
  server.addJsrVersion("@test/plugin", "1.2.0", {
    files: jsrPlugin("1.2.0"),
    exports: { ".": "./mod.ts" },
    yanked: true,
  });
  server.addJsrVersion("@test/plugin", "2.0.0-beta.1", {
    files: jsrPlugin("2.0.0-beta.1"),
    exports: { ".": "./mod.ts" },
  });

  const { record } = await installPlugin("jsr:@test/plugin@^1");
  assert.equal(record.name, "llm-jsr-test");
  assert.equal(record.source, "jsr");
  assert.equal(record.resolvedVersion, "1.1.0");
  assert.equal(record.version, "1.1.0");
  assert.equal(record.entry, "mod.ts");
  assert.deepEqual(Object.keys(record.files ?? {}).sort(), ["deno.json", "lib/label.ts", "mod.ts"]);
  assert.ok(server.requests.includes("/jsr/@test/plugin/meta.json"));
  assert.ok(server.requests.includes("/jsr/@test/plugin/1.1.0_meta.json"));
  assert.ok(await exists(join(dir.path, "plugins", "llm-jsr-test", "lib", "label.ts")));
  assert.equal(record.models[0].label, "JSR test 1.1.0");
  registerInstalledPlugins();
  assert.equal(await getModel("jsr-model").prompt("hi").text(), "1.1.0:hi");

  // --pre allows the pre-release; an exact version is taken as it is.
  const pre = await installPlugin("jsr:@test/plugin", { pre: true });
  assert.equal(pre.record.resolvedVersion, "2.0.0-beta.1");
  const exact = await installPlugin("jsr:@test/plugin@1.0.0");
  assert.equal(exact.record.resolvedVersion, "1.0.0");
  // Same plugin name: one record, replaced each time.
  assert.deepEqual(readPluginRecords().map((r) => [r.name, r.specifier]), [[
    "llm-jsr-test",
    "jsr:@test/plugin@1.0.0",
  ]]);
  await assert.rejects(installPlugin("jsr:@test/plugin@^3"), /No version of @test\/plugin matches '\^3'/);
  await assert.rejects(installPlugin("jsr:@test/missing"), /HTTP 404; check the package name/);
});

Deno.test("install jsr: refuses a file that does not match the manifest, and leaves nothing behind", async () => {
  await using server = startPluginServer(fixtures);
  await using dir = await tempUserDir({ JSR_URL: server.jsrUrl });
  server.addJsrVersion("@test/evil", "1.0.0", {
    files: jsrPlugin("1.0.0"),
    exports: { ".": "./mod.ts" },
    tampered: { "/lib/label.ts": "export function label() { return 'evil'; }\n" },
  });
  await assert.rejects(installPlugin("jsr:@test/evil"), (error: Error) => {
    assert.equal(error.name, "PluginIntegrityError");
    assert.match(error.message, /lib\/label\.ts of jsr:@test\/evil does not match the registry's checksum/);
    return true;
  });
  assert.deepEqual(readPluginRecords(), []);
  assert.deepEqual(await Array.fromAsync(Deno.readDir(join(dir.path, "plugins"))), []);
});

Deno.test("install refuses modules that are not plugins or whose hooks throw; nothing is recorded", async () => {
  await using dir = await tempUserDir();
  await assert.rejects(
    installPlugin(join(fixtures, "not_a_plugin.ts")),
    /is not an llm plugin: its default export/,
  );
  await assert.rejects(
    installPlugin(join(fixtures, "broken_import.ts")),
    /could not be imported from .*broken_import\.ts: .*broken on purpose/,
  );
  await assert.rejects(
    installPlugin(join(fixtures, "broken_hook.ts")),
    /Plugin 'llm-broken-hook' .* failed while registering \(registerModels failed: no models today\)/,
  );
  await assert.rejects(installPlugin(join(dir.path, "nope.ts")), /No plugin file at .*nope\.ts/);
  await assert.rejects(installPlugin("ftp://example.com/x.ts"), /give an https:\/\/ URL, jsr:@scope\/name/);
  assert.deepEqual(readPluginRecords(), []);
});

Deno.test("uninstall by name or specifier removes the record and the downloaded files", async () => {
  await using dir = await tempUserDir();
  await using server = startPluginServer(fixtures);
  const url = `${server.url}/files/shout/plugin.ts`;
  await installPlugin(url);
  await installPlugin(join(fixtures, "async_hooks.ts"));
  assert.deepEqual(readPluginRecords().map((r) => r.name), ["llm-shout", "llm-async"]);
  assert.equal((await uninstallPlugin(url))?.name, "llm-shout");
  assert.equal(await exists(join(dir.path, "plugins", "llm-shout")), false);
  assert.equal(await uninstallPlugin("llm-shout"), undefined);
  assert.equal((await uninstallPlugin("llm-async"))?.name, "llm-async");
  assert.deepEqual(readPluginRecords(), []);
});
