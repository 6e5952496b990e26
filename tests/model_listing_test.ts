/**
 * `llm models list` lists the built-in and extra-openai-models.yaml models from their data while the default
 * registry is not loaded (lib/default_registry_listing.ts). These tests hold that listing to the default registry's:
 * the same models, labels, capabilities, aliases and warnings, the same CLI output, and no model class loaded.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { catalogRegistry, listingRegistry } from "../lib/default_registry_listing.ts";
import type { ModelListing, ModelRegistry } from "../lib/models/model_registry.ts";
import { registry } from "../lib/default_registry.ts";
import { tempUserDir } from "./support/env.ts";
import { runCli } from "./support/run_cli.ts";
import { staticRepoImports } from "./support/static_graph.ts";

const EXTRA_MODELS = `
- model_id: local
  model_name: llama3
  api_base: http://127.0.0.1:9/v1
  aliases: [loc, llama]
- model_id: hosted-tools
  supports_tools: true
  supports_schema: true
- model_id: local-responses
  responses: true
  api_base: http://127.0.0.1:9/v1
- model_id: local-instruct
  completion: true
  aliases: [instruct]
`;

const USER_ALIASES = { mini: "gpt-4o-mini", l3: "local", gone: "no-such-model" };

/** A user directory with extra models and aliases, set as LLM_USER_PATH until disposed. */
async function userDirWithExtras(): Promise<AsyncDisposable & { path: string }> {
  const dir = await tempUserDir();
  await Deno.writeTextFile(join(dir.path, "extra-openai-models.yaml"), EXTRA_MODELS);
  await Deno.writeTextFile(join(dir.path, "aliases.json"), JSON.stringify(USER_ALIASES));
  registry.reload();
  return dir;
}

/** What a listing shows of each model, in order. */
function shown(listing: ModelRegistry<ModelListing>) {
  return listing.modelsWithAliases().map(({ model, aliases }) => ({
    id: model.id,
    label: model.label,
    supportsSchema: model.supportsSchema,
    supportsTools: model.supportsTools,
    aliases,
  }));
}

Deno.test("the data listing shows what the default registry holds: models, labels, features, aliases", async () => {
  await using _dir = await userDirWithExtras();
  const fromData = shown(catalogRegistry());
  assert.deepEqual(fromData, shown(registry));
  // The check has something to compare: built-ins, every API of the extra file, user aliases after provider ones.
  assert.equal(fromData.length, 40);
  assert.deepEqual(fromData.find((m) => m.id === "local"), {
    id: "local",
    label: "OpenAI Chat: local",
    supportsSchema: false,
    supportsTools: false,
    aliases: ["loc", "llama", "l3"],
  });
  assert.equal(fromData.find((m) => m.id === "local-instruct")?.label, "OpenAI Completion: local-instruct");
  assert.equal(fromData.find((m) => m.id === "local-responses")?.label, "OpenAI Responses: local-responses");
  assert.deepEqual(fromData.find((m) => m.id === "gpt-4o-mini")?.aliases, ["4o-mini", "mini"]);
  assert.equal(catalogRegistry().get("llama").id, "local");
});

Deno.test("once the default registry is loaded, listings come from it (plugin and library models included)", () => {
  assert.equal(listingRegistry(), registry);
});

Deno.test("a broken extra-openai-models.yaml warns the same way in both, and the built-ins are still listed", async () => {
  await using dir = await tempUserDir();
  await Deno.writeTextFile(join(dir.path, "extra-openai-models.yaml"), "- model_id: ok\n- model_id: [\n");
  const warningsOf = (listing: ModelRegistry<ModelListing>) => {
    const warnings: string[] = [];
    listing.onWarning = (message) => warnings.push(message);
    return { count: listing.models().length, warnings };
  };
  const fromData = warningsOf(catalogRegistry());
  registry.reload();
  const saved = registry.onWarning;
  try {
    assert.deepEqual(fromData, warningsOf(registry));
  } finally {
    registry.onWarning = saved;
  }
  assert.equal(fromData.warnings.length, 1);
  assert.match(fromData.warnings[0], /^extra-openai-models\.yaml: .*extra-openai-models\.yaml/);
  assert.equal(fromData.count, 36, "the built-in models");
});

Deno.test("llm models list in a fresh process (data listing) prints what the default registry's listing does", async () => {
  await using _dir = await userDirWithExtras();
  const cases = [
    ["models"],
    ["models", "list", "-q", "local"],
    ["models", "--tools", "-q", "o"],
    ["models", "--schemas", "-q", "4.1"],
    ["models", "-m", "l3", "-m", "gpt-5.6-luna"],
    ["models", "-m", "lcal"],
  ];
  for (const args of cases) {
    const io = memoryIo();
    const code = await main(args, io, { dotenv: false });
    const inProcess = { code, stdout: io.stdoutText(), stderr: io.stderrText() };
    assert.deepEqual(await runCli(args), inProcess, args.join(" "));
  }
  const io = memoryIo();
  await main(["models", "-q", "local"], io, { dotenv: false });
  assert.equal(
    io.stdoutText(),
    "OpenAI Chat: local (aliases: loc, llama, l3)\nOpenAI Responses: local-responses\n" +
      "OpenAI Completion: local-instruct (aliases: instruct)\n",
  );
});

Deno.test("llm models list loads no model class: the models command's static imports reach none", async () => {
  const reached = await staticRepoImports(new URL("../lib/cli/commands/models/run.ts", import.meta.url));
  assert.ok(reached.includes("lib/default_registry_listing.ts"), reached.join(", "));
  const heavy = [
    "lib/default_registry.ts",
    "lib/models/model.ts",
    "lib/models/response.ts",
    "lib/models/conversation.ts",
    "lib/providers/openai_models.ts",
    "lib/providers/openai_client.ts",
  ];
  assert.deepEqual(heavy.filter((m) => reached.includes(m)), [], "statically imported");
});
