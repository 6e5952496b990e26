/**
 * What a library user of Python llm 0.32 reaches for, from mod.ts: `Template` (load, evaluate, variables),
 * `Fragment`, the template and fragment loader lists, `userDir()`; and `llm --async`, accepted (every model
 * here is asynchronous) and said so in `--help`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  Fragment,
  fragmentHash,
  getFragmentLoaders,
  getModel,
  getTemplateLoaders,
  loadTemplate,
  MissingVariablesError,
  NoSuchTemplateError,
  registerFragmentLoader,
  registerTemplateLoader,
  Template,
  userDir,
} from "../mod.ts";
import { fragmentLoaderRegistry, templateLoaderRegistry } from "../lib/loaders/registries.ts";
import { sha256Hex } from "../lib/compat/sha256.ts";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { loadParseArgs } from "../lib/cli/args.ts";
import { tempUserDir } from "./support/env.ts";
import { startOpenAIServer } from "./support/openai_server.ts";

await loadParseArgs();

Deno.test("Template.load, evaluate and variables, as Python's Template; loadTemplate and its errors", async () => {
  await using dir = await tempUserDir();
  assert.equal(userDir(), dir.path);
  await Deno.mkdir(join(dir.path, "templates"));
  await Deno.writeTextFile(
    join(dir.path, "templates", "pun.yaml"),
    "prompt: 'A pun about $topic, $input'\nsystem: Be $tone\ndefaults:\n  tone: silly\n",
  );
  const template = await Template.load("pun");
  assert.equal(template.name, "pun");
  assert.deepEqual(template.variables(), ["topic", "input", "tone"]);
  assert.deepEqual(template.evaluate("please", { topic: "pelicans" }), {
    prompt: "A pun about pelicans, please",
    system: "Be silly",
  });
  assert.throws(() => template.evaluate("x", {}), MissingVariablesError);
  assert.deepEqual((await loadTemplate("pun")).data, template.data);
  await assert.rejects(Template.load("no-such-template"), NoSuchTemplateError);
});

Deno.test("Fragment: new Fragment(content, source) with id() and its text as its string; prompts take it", async () => {
  await using dir = await tempUserDir({ OPENAI_API_KEY: "sk-test" });
  await using server = await startOpenAIServer();
  Deno.env.set("OPENAI_BASE_URL", server.url);
  const fragment = new Fragment("Pelicans are large birds", "notes.md");
  assert.equal(fragment.content, "Pelicans are large birds");
  assert.equal(fragment.source, "notes.md");
  assert.equal(fragment.id(), sha256Hex("Pelicans are large birds"));
  assert.equal(fragment.id(), fragmentHash(fragment.content));
  assert.equal(`${fragment}`, "Pelicans are large birds");
  assert.equal(new Fragment("x").source, "");
  const response = getModel("gpt-4o-mini").prompt("Summarise", { fragments: [fragment] });
  await response.text();
  assert.equal(server.requests[0].body.messages[0].content, "Pelicans are large birds\nSummarise");
  assert.deepEqual(response.prompt.fragmentRecords, [fragment]);
  assert.ok(dir.path);
});

Deno.test("the loader lists: registered loaders by prefix, duplicates as prefix_1, used by -t and -f", async () => {
  await using _dir = await tempUserDir();
  try {
    assert.equal(
      registerFragmentLoader("upper", (arg) => ({ content: arg.toUpperCase(), source: `upper:${arg}` })),
      "upper",
    );
    assert.equal(registerFragmentLoader("upper", (arg) => ({ content: arg, source: arg })), "upper_1");
    assert.equal(registerTemplateLoader("inline", (rest) => ({ prompt: `Say ${rest}: $input` })), "inline");
    const fragments = await getFragmentLoaders();
    assert.deepEqual(Object.keys(fragments), ["upper", "upper_1"]);
    assert.deepEqual(await fragments.upper("hi"), { content: "HI", source: "upper:hi" });
    const templates = await getTemplateLoaders();
    assert.deepEqual(Object.keys(templates), ["inline"]);
    const template = await Template.load("inline:hello");
    assert.equal(template.evaluate("there", {}).prompt, "Say hello: there");
  } finally {
    fragmentLoaderRegistry.unregister("upper");
    fragmentLoaderRegistry.unregister("upper_1");
    templateLoaderRegistry.unregister("inline");
  }
});

Deno.test("llm --async runs the prompt (every model here is async) and --help says so", async () => {
  await using _dir = await tempUserDir({ OPENAI_API_KEY: "sk-test", LLM_MODEL: undefined });
  await using server = await startOpenAIServer();
  Deno.env.set("OPENAI_BASE_URL", server.url);
  for (const args of [["--async", "-m", "4o-mini", "hi"], ["prompt", "--async", "-m", "4o-mini", "hi"]]) {
    const io = memoryIo();
    assert.equal(await main([...args, "-n"], io, { dotenv: false }), 0, io.stderrText());
    assert.equal(io.stdoutText(), "Echo: hi\n");
  }
  const help = memoryIo({ columns: 120 });
  await main(["prompt", "--help"], help, { dotenv: false });
  assert.match(
    help.stdoutText(),
    /--async +Run the prompt asynchronously \(always so\s+here: every model is async\)/,
  );
});
