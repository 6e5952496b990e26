/**
 * When an installed plugin is imported, its record in plugins.json follows what it registers now. A plugin
 * with a version that registers the same models, commands and loaders at the same version keeps its
 * recorded options without their being described again (which loads zod on every prompt); a new version, or
 * anything else that changed, re-records everything.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { installPlugin } from "../lib/plugins/install.ts";
import { readPluginRecords } from "../lib/plugins/record.ts";
import { runCli } from "./support/run_cli.ts";
import { tempUserDir } from "./support/env.ts";

const source = (version: string, optionName: string) =>
  `export default { name: "llm-opts", version: ${JSON.stringify(version)}, registerModels(r) {
    r({ id: "opts", options: (z) => ({ ${optionName}: z.number().optional() }), async *execute() { yield "ok"; } });
  } };\n`;

const optionNames = () => readPluginRecords()[0].models[0].options.map((o) => o.name);

Deno.test("options are re-recorded with a new version, and kept as recorded at the same one", async () => {
  await using dir = await tempUserDir();
  const file = join(dir.path, "opts.ts");
  await Deno.writeTextFile(file, source("1.0.0", "alpha"));
  await installPlugin(file);
  assert.deepEqual(optionNames(), ["alpha"]);
  // Same version, other options: the record keeps the recorded ones.
  await Deno.writeTextFile(file, source("1.0.0", "beta"));
  assert.equal((await runCli(["-m", "opts", "x", "--no-log"])).stdout, "ok\n");
  assert.deepEqual(optionNames(), ["alpha"]);
  // A new version re-records them.
  await Deno.writeTextFile(file, source("1.0.1", "beta"));
  assert.equal((await runCli(["-m", "opts", "x", "--no-log"])).stdout, "ok\n");
  assert.deepEqual(optionNames(), ["beta"]);
  assert.equal(readPluginRecords()[0].version, "1.0.1");
});
