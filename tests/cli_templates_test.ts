/**
 * `llm -t/-p/--save` and `llm templates ...` through the real CLI (subprocesses, and in-process `main` where a
 * loader is registered in this process) against the loopback OpenAI server.
 */
import assert from "node:assert/strict";
import { templateLoaderRegistry } from "../lib/loaders/registries.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { loadYaml } from "./support/npm_yaml.ts";
import { tempUserDir } from "./support/env.ts";
import { startOpenAIServer } from "./support/openai_server.ts";
import { runCli } from "./support/run_cli.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/templates/", import.meta.url));

async function setup() {
  const server = await startOpenAIServer();
  const dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
  const env = { LLM_USER_PATH: dir.path, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" };
  const templates = join(dir.path, "templates");
  await Deno.mkdir(templates, { recursive: true });
  for (const entry of Deno.readDirSync(FIXTURES)) {
    await Deno.copyFile(FIXTURES + entry.name, join(templates, entry.name));
  }
  return {
    server,
    env,
    templates,
    async [Symbol.asyncDispose]() {
      await dir[Symbol.asyncDispose]();
      await server.close();
    },
  };
}

type Body = { model: string; messages: { role: string; content: string }[]; temperature?: number };
const sent = (body: Body) => body.messages.map((m) => [m.role, m.content]);

Deno.test("-t: $input, -p over defaults, -s over the template's system, model and options (-o wins)", async () => {
  await using env = await setup();
  const run = (args: string[], stdin?: string) => runCli(args, { env: env.env, stdin });

  let r = await run(["-t", "summarize", "-p", "tone", "angry"], "Some text");
  assert.equal(r.code, 0, r.stderr);
  let body: Body = env.server.requests.at(-1)!.body;
  assert.equal(body.model, "gpt-4o-mini");
  assert.equal(body.temperature, 0.5);
  assert.deepEqual(sent(body), [["system", "Be angry."], ["user", "Summarize: Some text"]]);

  r = await run(["-t", "summarize", "-s", "custom system", "-o", "temperature", "0.7", "typed"]);
  assert.equal(r.code, 0, r.stderr);
  body = env.server.requests.at(-1)!.body;
  assert.equal(body.temperature, 0.7);
  assert.deepEqual(sent(body), [["system", "custom system"], ["user", "Summarize: typed"]]);

  // No $input: the typed text goes after the template's prompt; a bare string file is a prompt.
  r = await run(["-t", "plain", "-m", "gpt-4o", "extra words"]);
  assert.equal(r.code, 0, r.stderr);
  body = env.server.requests.at(-1)!.body;
  assert.equal(body.model, "gpt-4o");
  assert.deepEqual(sent(body), [["user", "Write a haiku about $ and money\nextra words"]]);

  // A template with its own prompt needs no input; a path works as well as a name.
  r = await run(["-t", join(env.templates, "plain.yaml"), "-m", "gpt-4o"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(sent(env.server.requests.at(-1)!.body), [["user", "Write a haiku about $ and money"]]);

  // System only: the input is the prompt.
  r = await run(["-t", "system-only", "-m", "gpt-4o", "Input text"]);
  assert.deepEqual(sent(env.server.requests.at(-1)!.body), [["system", "Summarize this"], [
    "user",
    "Input text",
  ]]);
  assert.equal(env.server.requests.length, 5);
});

Deno.test("-t errors: missing variables, unknown template, broken YAML names the file, unsupported fields", async () => {
  await using env = await setup();
  await Deno.writeTextFile(
    join(env.templates, "needs.yaml"),
    "prompt: Say $greeting to $name and $greeting\n",
  );
  await Deno.writeTextFile(join(env.templates, "broken.yaml"), "prompt: [unclosed\n");
  await Deno.writeTextFile(join(env.templates, "extra.yaml"), "prompt: hi\nsystem2: nope\n");
  await Deno.writeTextFile(join(env.templates, "tools.yaml"), "prompt: hi\ntools: [no_such_tool]\n");
  const run = (...args: string[]) => runCli(["-m", "gpt-4o-mini", ...args], { env: env.env });

  let r = await run("-t", "needs", "x");
  assert.deepEqual([r.code, r.stderr], [1, "Error: Missing variables: greeting, name\n"]);
  r = await run("-t", "needs", "-p", "name", "Sam", "x");
  assert.deepEqual([r.code, r.stderr], [1, "Error: Missing variables: greeting\n"]);
  r = await run("-t", "nope", "x");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Error: Invalid template: nope\./);
  r = await run("-t", "broken", "x");
  assert.equal(r.code, 1);
  assert.ok(
    r.stderr.startsWith(`Error: Invalid YAML in template ${join(env.templates, "broken.yaml")}: `),
    r.stderr,
  );
  r = await run("-t", "extra", "x");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /extra\.yaml is invalid:\nsystem2\n {2}Extra inputs are not permitted\n/);
  r = await run("-t", "tools", "x");
  // A template's tools are offered like -T's: an unknown one is refused before anything is sent.
  assert.match(r.stderr, /^Error: Tool\(s\) no_such_tool not found/);
  r = await run("-t", "unknownprefix:thing", "x");
  assert.match(r.stderr, /^Error: Unknown template prefix: unknownprefix\./);
  assert.equal(env.server.requests.length, 0);
});

Deno.test("--save writes the flags as a template Python llm reads, and -t runs it", async () => {
  await using env = await setup();
  const r = await runCli([
    "-m",
    "4o",
    "Say hello as $name: $input",
    "-s",
    "yes",
    "-p",
    "name",
    "Pat",
    "-o",
    "temperature",
    "1",
    "-o",
    "max_tokens",
    "20",
    "-f",
    "not-resolved.txt",
    "--sf",
    "https://example.com/x",
    "-x",
    "--save",
    "greet",
  ], { env: env.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(env.server.requests.length, 0);
  const text = await Deno.readTextFile(join(env.templates, "greet.yaml"));
  // Key order as Python llm writes them; "yes" quoted so PyYAML reads a string.
  assert.deepEqual(text.split("\n").filter((l) => !l.startsWith(" ")).map((l) => l.split(":")[0]), [
    "model",
    "prompt",
    "system",
    "defaults",
    "extract",
    "fragments",
    "- not-resolved.txt",
    "system_fragments",
    "- https",
    "options",
    "",
  ]);
  assert.match(text, /^system: 'yes'$/m);
  const yaml = await loadYaml();
  assert.deepEqual(yaml.parse(text, { version: "1.1" }), {
    model: "gpt-4o",
    prompt: "Say hello as $name: $input",
    system: "yes",
    defaults: { name: "Pat" },
    extract: true,
    fragments: ["not-resolved.txt"],
    system_fragments: ["https://example.com/x"],
    options: { temperature: 1, max_tokens: 20 },
  });

  // Python llm checks this before anything else; with --cid/-c the conversation is looked up first here.
  const bad = await runCli(["hi", "-t", "greet", "--save", "x"], { env: env.env });
  assert.deepEqual([bad.code, bad.stderr], [1, "Error: --save cannot be used with --template\n"]);

  await Deno.writeTextFile(
    join(env.templates, "greet2.yaml"),
    text.replace(/fragments:[\s\S]*?options/, "options"),
  );
  const used = await runCli(["-t", "greet2", "the input"], { env: env.env });
  assert.equal(used.code, 0, used.stderr);
  const body = env.server.requests[0].body;
  assert.equal(body.model, "gpt-4o");
  assert.equal(body.max_tokens, 20);
  assert.deepEqual(sent(body), [["system", "yes"], ["user", "Say hello as Pat: the input"]]);
});

Deno.test("llm templates list, show, path, edit", async () => {
  await using env = await setup();
  await Deno.writeTextFile(join(env.templates, "three.yaml"), "template three is very long ".repeat(4));
  await Deno.writeTextFile(join(env.templates, "four.yaml"), "'this one\n\nhas newlines in it'");
  await Deno.writeTextFile(join(env.templates, "invalid.yaml"), "system2: This is invalid");
  const run = (...args: string[]) => runCli(["templates", ...args], { env: { ...env.env, COLUMNS: "80" } });

  assert.equal(
    (await run()).stdout,
    [
      "four        : this one has newlines in it",
      "plain       : Write a haiku about $$ and money",
      "summarize   : system: Be $tone. prompt: Summarize: $input",
      "system-only : system: Summarize this",
      "three       : template three is very long template three is very long templat...",
      "",
    ].join("\n"),
  );
  assert.equal(
    (await run("show", "summarize")).stdout,
    // As Python llm 0.32 prints it: yaml.dump(..., indent=4).
    "defaults:\n    tone: calm\nmodel: gpt-4o-mini\nname: summarize\noptions:\n    temperature: 0.5\n" +
      "prompt: 'Summarize: $input'\nsystem: Be $tone.\n\n",
  );
  const missing = await run("show", "nope");
  assert.deepEqual([missing.code, missing.stderr.split(".")[0]], [
    1,
    "Error: Template 'nope' not found or invalid",
  ]);
  assert.equal((await run("path")).stdout, env.templates + "\n");

  // The editor is run through the shell with the file's path; the result is checked.
  const editor = `sh -c 'printf "prompt: edited \\$input" > "$1"' editor`;
  const edited = await runCli(["templates", "edit", "fresh"], { env: { ...env.env, EDITOR: editor } });
  assert.equal(edited.code, 0, edited.stderr);
  assert.equal(await Deno.readTextFile(join(env.templates, "fresh.yaml")), "prompt: edited $input");
  const untouched = await runCli(["templates", "edit", "blank"], { env: { ...env.env, EDITOR: "true" } });
  assert.equal(untouched.code, 0, untouched.stderr);
  assert.equal(await Deno.readTextFile(join(env.templates, "blank.yaml")), "prompt: ");
  const broken = await runCli(["templates", "edit", "blank"], {
    env: { ...env.env, EDITOR: `sh -c 'echo "nope: 1" > "$1"' editor` },
  });
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /blank\.yaml is invalid:\nnope\n/);
});

Deno.test("-t URL (loopback) and -t prefix:rest through a registered loader; llm templates loaders", async () => {
  await using env = await setup();
  const web = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) =>
      new URL(req.url).pathname === "/t.yaml"
        ? new Response("prompt: 'From the web: $input'\nextract: true\n")
        : new Response("no", { status: 404 }),
  );
  try {
    env.server.enqueue({ kind: "text", text: "Look:\n```\ncode here\n```\nbye" });
    const url = `http://127.0.0.1:${web.addr.port}/t.yaml`;
    const r = await runCli(["-m", "gpt-4o-mini", "-t", url, "abc"], { env: env.env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "code here\n\n"); // extract: true from the template; the block keeps its newline
    assert.deepEqual(sent(env.server.requests[0].body), [["user", "From the web: abc"]]);
    const gone = await runCli(["-t", `http://127.0.0.1:${web.addr.port}/gone.yaml`, "x"], { env: env.env });
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /Could not load template http:\/\/127\.0\.0\.1:\d+\/gone\.yaml: HTTP 404/);
  } finally {
    await web.shutdown();
  }

  const none = memoryIo();
  await main(["templates", "loaders"], none);
  assert.equal(none.stdoutText(), "No template loaders found\n");
  templateLoaderRegistry.register(
    "shout",
    (rest) => ({ prompt: `${rest.toUpperCase()} $input`, model: "gpt-4o" }),
    `
    Shouting templates.

    Use shout:word`,
  );
  templateLoaderRegistry.register("shout", () => ({ prompt: "second" }));
  try {
    const io = memoryIo();
    await main(["templates", "loaders"], io);
    assert.equal(
      io.stdoutText(),
      "shout:\n  Shouting templates.\n\n  Use shout:word\nshout_1:\n  Undocumented\n",
    );
    const prompt = memoryIo();
    assert.equal(await main(["-t", "shout:hey", "you"], prompt), 0, prompt.stderrText());
    const body = env.server.requests.at(-1)!.body;
    assert.equal(body.model, "gpt-4o");
    assert.deepEqual(sent(body), [["user", "HEY you"]]);
  } finally {
    templateLoaderRegistry.unregister("shout");
    templateLoaderRegistry.unregister("shout_1");
  }
});

Deno.test("--schema: DSL, JSON, --schema-multi, t:TEMPLATE, stored id, file; errors; saved as schema_object", async () => {
  const { schemaDsl } = await import("../lib/schemas/schema_input.ts");
  assert.deepEqual(schemaDsl("name, age int: their age, ok bool"), {
    type: "object",
    properties: {
      name: { type: "string" },
      age: { type: "integer", description: "their age" },
      ok: { type: "boolean" },
    },
    required: ["name", "age", "ok"],
  });
  assert.deepEqual(schemaDsl("a float\nb: with, comma").properties, {
    a: { type: "number" },
    b: { type: "string", description: "with, comma" },
  });

  await using env = await setup();
  const schemaOf = () => env.server.requests.at(-1)!.body.response_format.json_schema.schema;
  const run = (...args: string[]) => runCli(["-m", "gpt-4o-mini", ...args], { env: env.env });
  const dog = { type: "object", properties: { b: { type: "string" }, a: { type: "string" } } };

  let r = await run("--schema", "name, age int", "invent");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(schemaOf().required, ["name", "age"]);
  r = await run("--schema-multi", JSON.stringify(dog), "invent");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(schemaOf(), {
    type: "object",
    properties: { items: { type: "array", items: dog } },
    required: ["items"],
  });

  // Saved with --save (property order kept), then used through t:NAME and through -t.
  assert.equal((await run("--schema", JSON.stringify(dog), "invent a dog", "--save", "dog")).code, 0);
  assert.match(
    await Deno.readTextFile(join(env.templates, "dog.yaml")),
    /schema_object:\n {4}type: object\n {4}properties:\n {8}b:\n/,
  );
  r = await run("--schema", "t:dog", "again");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(Object.keys(schemaOf().properties), ["b", "a"]);

  // A stored schema id (the turns above stored it) and a file.
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(join(env.env.LLM_USER_PATH, "logs.db"));
  const id = String(db.prepare("select id from schemas order by rowid limit 1").get()!.id);
  db.close();
  assert.equal((await run("--schema", id, "by id")).code, 0);
  assert.deepEqual(schemaOf().required, ["name", "age"]);
  const file = join(env.templates, "..", "dog.schema.json");
  await Deno.writeTextFile(file, JSON.stringify(dog));
  assert.equal((await run("--schema", file, "from file")).code, 0);
  assert.deepEqual(schemaOf(), dog);
  const sent = env.server.requests.length;

  r = await run("--schema", "t:plain", "x");
  assert.deepEqual([r.code, r.stderr], [1, "Error: Template 'plain' has no schema\n"]);
  r = await run("--schema", "t:bad_template", "x");
  assert.deepEqual([r.code, r.stderr], [1, "Error: Invalid template: bad_template\n"]);
  r = await run("--schema", "nonsense", "x");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Error: Invalid schema 'nonsense'/);
  r = await runCli(["-m", "gpt-3.5-turbo-instruct", "--schema", "a, b", "x"], { env: env.env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /does not support schemas/);
  assert.equal(env.server.requests.length, sent);
});
