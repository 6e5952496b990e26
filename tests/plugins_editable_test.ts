/**
 * `llm install -e DIR`: a plugin project directory whose deno.json (or deno.jsonc) `exports` names the
 * module, or that has a mod.ts; recorded as the directory, imported from its files on every run (an edit
 * shows on the next run), and clear errors for a directory that names no module.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readPluginRecords } from "../lib/plugins/record.ts";
import { tempUserDir } from "./support/env.ts";
import { runCli } from "./support/run_cli.ts";

const fixtures = fileURLToPath(new URL("./fixtures/plugins/", import.meta.url));

/** A project directory holding the shout plugin under src/, plus `files` (name → text). */
async function project(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "llm-editable-" });
  await Deno.mkdir(join(dir, "src"));
  for (const name of ["plugin.ts", "shout_model.ts"]) {
    await Deno.copyFile(join(fixtures, "shout", name), join(dir, "src", name));
  }
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(join(dir, name), text);
  return dir;
}

Deno.test("llm install -e DIR: deno.json exports names the module; edits show on the next run", async () => {
  await using _dir = await tempUserDir();
  const dir = await project({
    "deno.json": JSON.stringify({ name: "@me/shout", exports: "./src/plugin.ts" }),
  });
  try {
    const install = await runCli(["install", "-e", dir]);
    assert.equal(install.code, 0, install.stderr);
    assert.match(install.stdout, new RegExp(`^Installed llm-shout 1\\.2\\.0 from ${dir} \\(models: shout`));
    const [record] = readPluginRecords();
    assert.equal(record.source, "path");
    assert.equal(record.specifier, dir, "recorded as the directory");
    assert.equal(record.entry, join(dir, "src", "plugin.ts"));
    assert.equal((await runCli(["-m", "shout", "hello", "-n"])).stdout, "HELLO\n");

    // Editable: the module is read from the directory on every run.
    const model = join(dir, "src", "shout_model.ts");
    await Deno.writeTextFile(
      model,
      (await Deno.readTextFile(model)).replace("toUpperCase()", "toLowerCase()"),
    );
    assert.equal((await runCli(["-m", "shout", "HELLO", "-n"])).stdout, "hello\n");

    const again = await runCli(["install", "-e", dir]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readPluginRecords().length, 1, "installing the directory again replaces its record");
    const removed = await runCli(["uninstall", dir, "-y"]);
    assert.equal(removed.stdout, "Uninstalled llm-shout\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("llm install -e DIR: an exports map's '.', deno.jsonc with comments, a mod.ts; errors otherwise", async () => {
  await using _dir = await tempUserDir();
  const cases: [Record<string, string>, RegExp | string][] = [
    [{ "deno.json": JSON.stringify({ exports: { ".": "./src/plugin.ts", "./x": "./x.ts" } }) }, "ok"],
    [{ "deno.jsonc": '{\n  // the plugin\n  "exports": "./src/plugin.ts", /* trailing */\n}\n' }, "ok"],
    [{ "mod.ts": 'export { default } from "./src/plugin.ts";\n' }, "ok"],
    [{}, /is a directory with no plugin module: add a deno.json whose "exports" names it, or a mod.ts/],
    [{ "deno.json": '{"exports": "./missing.ts"}' }, /exports \.\/missing\.ts, but there is no file/],
    [
      { "deno.json": '{"exports": {"./a": "./a.ts", "./b": "./b.ts"}}' },
      /have no "\." entry \(they have "\.\/a", "\.\/b"\)/,
    ],
    [{ "deno.json": "{not json" }, /deno\.json is not valid JSON/],
  ];
  for (const [files, expected] of cases) {
    const dir = await project(files);
    try {
      const result = await runCli(["install", "-e", dir]);
      if (expected === "ok") {
        assert.equal(result.code, 0, `${JSON.stringify(files)}: ${result.stderr}`);
        assert.equal(readPluginRecords()[0].specifier, dir);
        await runCli(["uninstall", dir, "-y"]);
      } else {
        assert.equal(result.code, 1, JSON.stringify(files));
        assert.match(result.stderr, expected as RegExp);
        assert.deepEqual(readPluginRecords(), []);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});
