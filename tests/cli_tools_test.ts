/** `llm tools list`: the tools installed plugins register, read from the plugin (not only its record). */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { installPlugin } from "../lib/plugins/install.ts";
import { toolSignature } from "../lib/cli/commands/tools/run.ts";
import { tempUserDir } from "./support/env.ts";

async function llm(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const code = await main(args, io, { dotenv: false });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

Deno.test("llm tools list shows plugin tools with their arguments, plain and --json", async () => {
  await using _dir = await tempUserDir();
  assert.deepEqual(await llm("tools"), { code: 0, stdout: "", stderr: "" });
  await installPlugin(fileURLToPath(new URL("./fixtures/plugins/shout/plugin.ts", import.meta.url)));
  const plain = await llm("tools", "list");
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(plain.stdout, "shout_tool() (plugin: llm-shout)\n\n  Upper-cases text\n\n");
  const json = JSON.parse((await llm("tools", "--json")).stdout);
  assert.equal(json.tools[0].name, "shout_tool");
  assert.equal(json.tools[0].plugin, "llm-shout");
  assert.deepEqual(json.toolboxes, []);
  const unknown = await llm("tools", "-m", "no-such-model");
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^Error: Unknown model 'no-such-model'/);
  const spec = await llm("tools", "list", "Memory()");
  assert.equal(spec.code, 1);
  assert.match(spec.stderr, /not supported yet/);
});

Deno.test("toolSignature names JSON Schema types as Python does", () => {
  assert.equal(
    toolSignature({ type: "object", properties: { a: { type: "string" }, b: { type: "integer" }, c: {} } }),
    "a: str, b: int, c: any",
  );
  assert.equal(toolSignature(undefined), "");
});
