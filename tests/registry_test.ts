import assert from "node:assert/strict";
import { cliErrorMessage } from "../lib/cli/error_messages.ts";
import { join } from "node:path";
import {
  ConfigError,
  getDefaultModel,
  getModel,
  getModels,
  getModelsWithAliases,
  isLlmError,
  Model,
  type Prompt,
  removeAlias,
  setAlias,
  setDefaultModel,
  UnknownAliasError,
  UnknownModelError,
} from "../mod.ts";
import { registry } from "../lib/default_registry.ts";
import { tempUserDir } from "./support/env.ts";
import { conflictMessage, ModelRegistry } from "../lib/models/model_registry.ts";

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

const fixtureList = new URL("./fixtures/python-llm-0.32/models-list.txt", import.meta.url);

Deno.test("the built-in models, their labels and aliases match Python llm 0.32's `llm models list`", async () => {
  await using _dir = await tempUserDir();
  const expected = (await Deno.readTextFile(fixtureList)).trim().split("\n").filter((l) =>
    !l.startsWith("Default:")
  );
  const actual = getModelsWithAliases().map(({ model, aliases }) =>
    model.label + (aliases.length ? ` (aliases: ${aliases.join(", ")})` : "")
  );
  assert.deepEqual(actual, expected);
});

Deno.test("getModel finds models by id and by alias", async () => {
  await using _dir = await tempUserDir();
  assert.equal(getModel("gpt-4o-mini").id, "gpt-4o-mini");
  assert.equal(getModel("4o-mini"), getModel("gpt-4o-mini"));
  assert.equal(getModel("chatgpt").id, "gpt-3.5-turbo");
  assert.equal(getModel("4t").id, "gpt-4-turbo");
  assert.equal(getModel("3.5-instruct").label, "OpenAI Completion: gpt-3.5-turbo-instruct");
});

Deno.test("an unknown model raises UnknownModelError naming close matches", async () => {
  await using _dir = await tempUserDir();
  const error = caught(() => getModel("gpt-4o-mni"));
  assert.ok(error instanceof UnknownModelError);
  assert.ok(isLlmError(error));
  assert.equal(error.suggestions[0], "gpt-4o-mini");
  assert.equal(
    error.message,
    "Unknown model 'gpt-4o-mni'. Did you mean 'gpt-4o-mini', 'gpt-5-mini' or 'gpt-4.1-mini'?",
  );
  assert.equal(
    cliErrorMessage(error),
    "Unknown model 'gpt-4o-mni'. Did you mean 'gpt-4o-mini', 'gpt-5-mini' or 'gpt-4.1-mini'? " +
      "Run 'llm models' to list models",
  );
  const far = caught(() => getModel("zzzzzzzzzz")) as UnknownModelError;
  assert.deepEqual(far.suggestions, []);
  assert.equal(far.message, "Unknown model 'zzzzzzzzzz'");
  assert.equal(cliErrorMessage(far), "Unknown model 'zzzzzzzzzz'. Run 'llm models' to list models");
});

Deno.test("models Python llm 0.32 removed are unknown", async () => {
  await using _dir = await tempUserDir();
  for (
    const id of [
      "chatgpt-4o-latest",
      "gpt-4-32k",
      "o1-preview",
      "o1-mini",
      "gpt-4.5-preview",
      "gpt-5.1-chat-latest",
    ]
  ) {
    assert.throws(() => getModel(id), UnknownModelError, id);
  }
});

Deno.test("the default model is gpt-5.6-luna, else default_model.txt; setDefaultModel resolves aliases", async () => {
  await using dir = await tempUserDir();
  assert.equal(getDefaultModel(), "gpt-5.6-luna");
  assert.equal(getModel().id, "gpt-5.6-luna");
  await Deno.writeTextFile(join(dir.path, "default_model.txt"), "  gpt-4o \n");
  assert.equal(getModel().id, "gpt-4o");
  setDefaultModel("4o-mini");
  assert.equal(await Deno.readTextFile(join(dir.path, "default_model.txt")), "gpt-4o-mini");
  assert.throws(() => setDefaultModel("nope"), UnknownModelError);
  assert.equal(getDefaultModel(), "gpt-4o-mini");
  setDefaultModel(null);
  assert.equal(getDefaultModel(), "gpt-5.6-luna");
});

Deno.test("setAlias writes aliases.json as Python llm does; the alias resolves and is listed", async () => {
  await using dir = await tempUserDir();
  assert.equal(setAlias("turbo", "4t"), "gpt-4-turbo");
  assert.equal(setAlias("future", "not-a-model-yet"), "not-a-model-yet");
  assert.equal(
    await Deno.readTextFile(join(dir.path, "aliases.json")),
    '{\n    "turbo": "gpt-4-turbo",\n    "future": "not-a-model-yet"\n}\n',
  );
  assert.equal(getModel("turbo").id, "gpt-4-turbo");
  const entry = getModelsWithAliases().find((m) => m.model.id === "gpt-4-turbo");
  assert.deepEqual(entry?.aliases, ["gpt-4-turbo-preview", "4-turbo", "4t", "turbo"]);
  assert.throws(() => getModel("future"), UnknownModelError);
  removeAlias("turbo");
  assert.throws(() => getModel("turbo"), UnknownModelError);
  assert.throws(() => removeAlias("turbo"), UnknownAliasError);
});

Deno.test("removeAlias without aliases.json says there is no file", async () => {
  await using _dir = await tempUserDir();
  assert.throws(() => removeAlias("x"), /No aliases.json file exists/);
});

class Echo extends Model {
  constructor(id: string) {
    super(id);
  }
  override async *execute(prompt: Prompt) {
    yield prompt.prompt;
  }
}

Deno.test("a registry reports a duplicate id or a failing source and keeps the rest", () => {
  const warnings: string[] = [];
  const reg = new ModelRegistry([
    { name: "first", load: (register) => register(new Echo("a"), { aliases: ["x"] }) },
    {
      name: "broken",
      load: () => {
        throw new Error("boom");
      },
    },
    { name: "second", load: (register) => register(new Echo("a")) },
    { name: "third", load: (register) => register(new Echo("b")) },
  ]);
  reg.onWarning = (m) => warnings.push(m);
  assert.deepEqual(reg.models().map((m) => m.id), ["a", "b"]);
  assert.equal(reg.get("x").id, "a");
  assert.deepEqual(warnings, [
    "broken: boom",
    "Model 'a' from second is already registered by first; the first one is kept",
  ]);
});

Deno.test("a name belongs to its first registration: later ids are left out, later aliases dropped, all listed", () => {
  const warnings: string[] = [];
  const reg = new ModelRegistry([
    { name: "builtin", load: (register) => register(new Echo("a"), { aliases: ["x", "y"] }) },
    {
      name: "plugin",
      quiet: true,
      load(register) {
        register(new Echo("b"), { aliases: ["x", "a", "b-own", "b-own"] });
        register(new Echo("y"));
      },
    },
    { name: "loud", load: (register) => register(new Echo("c"), { aliases: ["b-own"] }) },
  ]);
  reg.onWarning = (m) => warnings.push(m);
  assert.deepEqual(reg.modelsWithAliases().map(({ model, aliases }) => [model.id, aliases]), [
    ["a", ["x", "y"]],
    ["b", ["b-own"]],
    ["c", []],
  ]);
  assert.equal(reg.get("x").id, "a");
  assert.equal(reg.get("y").id, "a", "an alias held first is not taken by a later model id");
  assert.equal(reg.get("b-own").id, "b");
  assert.deepEqual(reg.conflicts().map((c) => [c.source, c.kind, c.name, c.heldBy.modelId, c.heldBy.as]), [
    ["plugin", "alias", "x", "a", "alias"],
    ["plugin", "alias", "a", "a", "id"],
    ["plugin", "id", "y", "a", "alias"],
    ["loud", "alias", "b-own", "b", "alias"],
  ]);
  assert.deepEqual(warnings, [
    "loud: alias 'b-own' of 'c' is already an alias of 'b' (plugin), which keeps it; the alias is left out",
  ], "a quiet source's conflicts are not warned of on load");
  assert.deepEqual(
    reg.conflictsFor([{ id: "b", aliases: ["x", "new"] }, { id: "z", aliases: ["new"] }], "plugin").map((c) =>
      conflictMessage(c)
    ),
    [
      "alias 'x' of 'b' is already an alias of 'a' (builtin), which keeps it; the alias is left out",
      "alias 'new' of 'z' is already an alias of 'b' (plugin), which keeps it; the alias is left out",
    ],
    "a dry run sets the source's own registrations aside",
  );
});

const EXTRA = `# Local servers
- model_id: orca
  model_name: orca-mini-3b
  api_base: "http://localhost:8080/v1"
  aliases: ["orc", "o-3b"]
  headers:
    apikey: secret-header
- model_id: hosted
  model_name: big-model
  api_base: https://example.invalid/v1
  api_key_name: hostedkey
  can_stream: false
  supports_tools: true
  supports_schema: true
  vision: true
- model_id: local-responses
  model_name: resp
  api_base: http://localhost:9/v1
  responses: true
- model_id: local-instruct
  model_name: inst
  completion: true
`;

Deno.test("extra-openai-models.yaml adds OpenAI-compatible models with their settings", async () => {
  await using dir = await tempUserDir();
  await Deno.writeTextFile(join(dir.path, "extra-openai-models.yaml"), EXTRA);
  registry.reload();
  const orca = getModel("orc");
  assert.equal(orca.id, "orca");
  assert.equal(orca.label, "OpenAI Chat: orca");
  assert.equal(orca.needsKey, undefined);
  assert.equal(orca.keyEnvVar, undefined);
  assert.equal(getModel("o-3b"), orca);
  const hosted = getModel("hosted");
  assert.equal(hosted.needsKey, "hostedkey");
  assert.equal(hosted.keyEnvVar, undefined, "a third-party server never gets OPENAI_API_KEY");
  assert.equal(hosted.canStream, false);
  assert.equal(hosted.supportsTools, true);
  assert.equal(hosted.supportsSchema, true);
  assert.ok(hosted.attachmentTypes.has("image/png"));
  assert.equal(getModel("local-responses").label, "OpenAI Responses: local-responses");
  const instruct = getModel("local-instruct");
  assert.equal(instruct.label, "OpenAI Completion: local-instruct");
  assert.equal(instruct.needsKey, "openai", "no api_base: the OpenAI key, as Python llm");
  assert.equal(getModels().length, 40);
});

Deno.test("a broken extra-openai-models.yaml is reported with file and line; built-in models still work", async () => {
  await using dir = await tempUserDir();
  const path = join(dir.path, "extra-openai-models.yaml");
  await Deno.writeTextFile(
    path,
    '- model_id: ok\n  model_name: ok\n- model_id: "unterminated\n  model_name: x\n',
  );
  registry.reload();
  const warnings: string[] = [];
  const saved = registry.onWarning;
  registry.onWarning = (m) => warnings.push(m);
  try {
    assert.equal(getModel("gpt-4o").id, "gpt-4o");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /extra-openai-models\.yaml/);
    assert.match(warnings[0], /line 3/);
  } finally {
    registry.onWarning = saved;
  }
});

Deno.test("extra models: entries without model_id are a ConfigError naming the entry", async () => {
  await using dir = await tempUserDir();
  const { readExtraOpenAIModelSpecs } = await import("../lib/providers/openai/compatible.ts");
  const path = join(dir.path, "extra.yaml");
  await Deno.writeTextFile(path, "- model_name: x\n");
  assert.throws(
    () => readExtraOpenAIModelSpecs(path),
    (e) => e instanceof ConfigError && /entry 1 has no model_id/.test(e.message),
  );
  await Deno.writeTextFile(path, "model_id: x\n");
  assert.throws(() => readExtraOpenAIModelSpecs(path), /must hold a YAML list/);
});
