/**
 * Startup loads no npm package: importing mod.ts, listing models and looking one up (extra-openai-models.yaml
 * included) must work in a process whose Deno cache is empty and that may not download anything. So must a
 * prompt (it fails only to connect). Validating options needs zod, so that fails in the same setup, which
 * shows the setup would catch an npm package being loaded.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { staticImportGraph } from "./support/static_graph.ts";

const MOD_URL = new URL("../mod.ts", import.meta.url);

const SCRIPT = `
import { getModel, getModels } from ${JSON.stringify(MOD_URL.href)};
const models = getModels();
const local = getModel("local");
console.log(JSON.stringify({ count: models.length, default: getModel().id, local: local.label }));
if (Deno.args[0] === "prompt") console.log(await getModel("gpt-4o-mini").prompt("hi").text());
if (Deno.args[0] === "options") {
  console.log(await getModel("gpt-4o-mini").prompt("hi", { options: { temperature: 0.5 } }).text());
}
`;

/** Runs the script with an empty DENO_DIR and `--cached-only`, as a user project without our config would. */
async function runFresh(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = await Deno.makeTempDir({ prefix: "llm-startup-" });
  try {
    const script = join(dir, "script.ts");
    const userDir = join(dir, "user");
    await Deno.mkdir(userDir);
    await Deno.writeTextFile(script, SCRIPT);
    await Deno.writeTextFile(
      join(userDir, "extra-openai-models.yaml"),
      "- model_id: local\n  api_base: http://127.0.0.1:9/v1\n",
    );
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--cached-only", "--no-config", "--no-lock", "-A", script, ...args],
      cwd: dir,
      env: {
        DENO_DIR: join(dir, "deno_dir"),
        LLM_USER_PATH: userDir,
        OPENAI_API_KEY: "sk-test",
        OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
        NO_COLOR: "1",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("importing mod.ts and listing models needs no npm package (empty cache, --cached-only)", async () => {
  const result = await runFresh([]);
  assert.equal(result.code, 0, result.stderr);
  const info = JSON.parse(result.stdout);
  assert.ok(info.count > 30, `the built-in models and the extra one: ${info.count}`);
  assert.equal(info.default, "gpt-5.6-luna");
  assert.equal(info.local, "OpenAI Chat: local");
});

Deno.test("a prompt needs no npm package either: it gets as far as connecting", async () => {
  const result = await runFresh(["prompt"]);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /Could not connect to http:\/\/127\.0\.0\.1:9\/v1/);
  assert.doesNotMatch(result.stderr, /npm package/);
});

Deno.test("validating options in the same setup fails for want of zod (the check catches npm loads)", async () => {
  const result = await runFresh(["options"]);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /npm package not found in cache: "zod", --cached-only is specified/);
});

Deno.test("deno info: mod.ts's static import graph has no npm: module, not even as a literal dynamic import", async () => {
  const { modules, dynamicImports } = await staticImportGraph(MOD_URL);
  const npm = [...modules].filter((s) => s.startsWith("npm:") || s.includes("/node_modules/"));
  assert.deepEqual(npm, [], "statically imported npm modules");
  assert.ok(modules.size > 10, `walked the graph: ${modules.size} modules`);
  // Deno resolves and loads the graph of a literal dynamic import when the program starts (for zod that was
  // ~13 ms on every library start-up), so the loaders in lib/deps/ reach their package through a computed one.
  const npmDynamic = [...dynamicImports].filter((s) => s.startsWith("npm:"));
  assert.deepEqual(npmDynamic, [], "literal dynamic imports of npm packages");
  assert.ok(modules.has(new URL("../lib/deps/zod.ts", import.meta.url).href), "zod's loader is in the graph");
  // The check sees npm imports when there are some: the module loadZod() imports has zod in its static graph.
  const zod = await staticImportGraph(new URL("../lib/deps/_zod_module.ts", import.meta.url));
  assert.ok([...zod.modules].some((s) => /^npm:\/?zod@/.test(s)), [...zod.modules].join(", "));
});
