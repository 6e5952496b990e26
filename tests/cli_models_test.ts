import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { tempUserDir } from "./support/env.ts";
import { cliPath, runCli } from "./support/run_cli.ts";

const FIXTURES = new URL("./fixtures/cli-output/", import.meta.url);
const fixture = (name: string) => Deno.readTextFile(new URL(name, FIXTURES));

async function run(args: string[], columns?: number) {
  const io = memoryIo({ columns });
  const code = await main(args, io, { dotenv: false });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

Deno.test("llm models matches Python llm 0.32 and loads no npm package (deno run --no-npm)", async () => {
  await using _dir = await tempUserDir();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-npm", "-A", cliPath, "models"],
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  assert.equal(decoder.decode(output.stderr), "");
  assert.equal(output.code, 0);
  assert.equal(decoder.decode(output.stdout), await fixture("models.txt"));
});

Deno.test("llm models --options matches Python llm 0.32 (descriptions once per model class)", async () => {
  await using _dir = await tempUserDir();
  const result = await run(["models", "--options"]);
  assert.equal(result.code, 0);
  // The completion model lists no `- async` feature: Python llm has no async version of it.
  assert.equal(result.stdout, await fixture("models-options.txt"));
  assert.equal(result.stderr, "");
});

Deno.test("llm models --options wraps attachment types to the terminal width, as Python does at 30 columns", async () => {
  await using _dir = await tempUserDir();
  const result = await run(["models", "--options", "-m", "4o"], 30);
  assert.equal(result.stdout, await fixture("models-options-columns-30.txt"));
});

Deno.test("llm models filters: --schemas, --tools, -q (all terms, any case), -m, --async", async () => {
  await using _dir = await tempUserDir();
  for (
    const [args, name] of [
      [["--schemas"], "models-schemas.txt"],
      [["--tools"], "models-tools.txt"],
      [["-q", "4o", "-q", "MINI"], "models-q.txt"],
      [["-m", "4o", "-m", "gpt-5", "-m", "o3"], "models-m.txt"],
      // Python lists no async version of the completion model (every model here runs async all the same).
      [["--async"], "models-async.txt"],
    ] as const
  ) {
    assert.deepEqual(await run(["models", "list", ...args]), {
      code: 0,
      stdout: await fixture(name),
      stderr: "",
    });
  }
  assert.deepEqual(await run(["models", "-q", "no-such-thing"]), { code: 0, stdout: "", stderr: "" });
  assert.deepEqual(await run(["models", "-q", "turbo-instruct", "--tools"]), {
    code: 0,
    stdout: "",
    stderr: "",
  });
});

Deno.test("llm models -m with an unknown model is an error (exit 1) naming close matches", async () => {
  await using _dir = await tempUserDir();
  const result = await runCli(["models", "-m", "4o", "-m", "gpt-4o-mni"]);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "");
  assert.match(
    result.stderr,
    /^Error: Unknown model 'gpt-4o-mni'\. Did you mean 'gpt-4o-mini'.*\? Run 'llm models' to list models\n$/,
  );
  const usage = await runCli(["models", "--no-such-flag"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /Usage: llm models list \[OPTIONS\]/);
});

Deno.test("llm models --json matches Python llm 0.32, server-side tools and supports_async included", async () => {
  await using _dir = await tempUserDir();
  const result = await run(["models", "--json"]);
  assert.equal(result.code, 0);
  const expected = JSON.parse(await fixture("models-json.json"));
  assert.deepEqual(
    expected.filter((m: { supports_async: boolean }) => !m.supports_async).map((m: { model_id: string }) =>
      m.model_id
    ),
    ["gpt-3.5-turbo-instruct"],
  );
  assert.deepEqual(JSON.parse(result.stdout), expected);
  assert.ok(
    result.stdout.startsWith('[\n  {\n    "model_id": "gpt-4o",\n    "aliases": [\n      "4o"\n    ],'),
  );
  assert.equal((await run(["models", "--json", "-q", "nothing-matches"])).stdout, "[]\n");
});

Deno.test("llm models --json --options adds each option's JSON Schema with Python's names and descriptions", async () => {
  await using _dir = await tempUserDir();
  const result = await run(["models", "--json", "--options", "-m", "4o"]);
  const [ours] = JSON.parse(result.stdout);
  const [python] = JSON.parse(await fixture("models-json-options-4o.json"));
  assert.deepEqual(Object.keys(ours.options), Object.keys(python.options));
  for (const [name, schema] of Object.entries<{ description: string }>(python.options)) {
    assert.equal(ours.options[name].description, schema.description, name);
  }
  assert.equal(ours.options.temperature.type, "number");
  assert.equal(ours.options.max_tokens.type, "integer");
});

Deno.test("llm models shows the user's aliases after the provider's", async () => {
  await using dir = await tempUserDir();
  await Deno.copyFile(new URL("aliases-setup.json", FIXTURES), join(dir.path, "aliases.json"));
  assert.equal((await run(["models", "-q", "4o-mini"])).stdout, await fixture("models-user-alias.txt"));
  // A user alias can be used with -m.
  assert.equal((await run(["models", "-m", "mini"])).stdout, await fixture("models-user-alias.txt"));
});

Deno.test("llm models default: shows, sets (alias resolved, no newline in the file), rejects unknown models", async () => {
  await using dir = await tempUserDir();
  assert.deepEqual(await run(["models", "default"]), { code: 0, stdout: "gpt-5.6-luna\n", stderr: "" });
  assert.deepEqual(await run(["models", "default", "4o-mini"]), { code: 0, stdout: "", stderr: "" });
  assert.equal(await Deno.readTextFile(join(dir.path, "default_model.txt")), "gpt-4o-mini");
  assert.deepEqual(await run(["models", "default"]), { code: 0, stdout: "gpt-4o-mini\n", stderr: "" });
  assert.ok((await run(["models"])).stdout.endsWith("\nDefault: gpt-4o-mini\n"));
  const unknown = await runCli(["models", "default", "nope"]);
  assert.deepEqual(unknown, {
    code: 1,
    stdout: "",
    stderr: "Error: Unknown model 'nope'. Run 'llm models' to list models\n",
  });
  assert.equal(await Deno.readTextFile(join(dir.path, "default_model.txt")), "gpt-4o-mini");
});

Deno.test("llm models options: list and show when nothing is set (messages on stderr)", async () => {
  await using _dir = await tempUserDir();
  const empty = { code: 0, stdout: "", stderr: "No default options set for any models.\n" };
  assert.deepEqual(await run(["models", "options"]), empty);
  assert.deepEqual(await run(["models", "options", "list"]), empty);
  assert.deepEqual(await run(["models", "options", "show", "4o"]), {
    code: 0,
    stdout: "",
    stderr: "No default options set for model 'gpt-4o'.\n",
  });
});

Deno.test("llm models options set validates known models and stores raw strings under the model id", async () => {
  await using dir = await tempUserDir();
  assert.deepEqual(await run(["models", "options", "set", "4o", "temperature", "0.5"]), {
    code: 0,
    stdout: "",
    stderr: "Set default option temperature=0.5 for model gpt-4o\n",
  });
  assert.equal((await run(["models", "options", "set", "gpt-4o", "max_tokens", "100"])).code, 0);
  assert.deepEqual(await run(["models", "options", "set", "nomodel", "foo", "bar"]), {
    code: 0,
    stdout: "",
    stderr: "Set default option foo=bar for model nomodel\n",
  });
  assert.deepEqual(JSON.parse(await Deno.readTextFile(join(dir.path, "model_options.json"))), {
    "gpt-4o": { temperature: "0.5", max_tokens: "100" },
    nomodel: { foo: "bar" },
  });
  assert.deepEqual(await run(["models", "options", "list"]), {
    code: 0,
    stdout: "gpt-4o:\n  temperature: 0.5\n  max_tokens: 100\nnomodel:\n  foo: bar\n",
    stderr: "",
  });
  assert.deepEqual(await run(["models", "options", "show", "4o"]), {
    code: 0,
    stdout: "temperature: 0.5\nmax_tokens: 100\n",
    stderr: "",
  });
});

Deno.test("llm models options set: a bad value or unknown option is an error (exit 1); missing VALUE is exit 2", async () => {
  await using dir = await tempUserDir();
  const bad = await runCli(["models", "options", "set", "4o", "temperature", "hot"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^Error: Invalid value for option 'temperature' \(hot\): .+\n$/);
  const unknown = await run(["models", "options", "set", "4o", "nosuch", "1"]);
  assert.equal(unknown.code, 1);
  assert.equal(
    unknown.stderr,
    "Error: Unknown option 'nosuch' for model gpt-4o. Run 'llm models --options -m gpt-4o' to list its options\n",
  );
  assert.equal((await run(["models", "options", "set", "4o", "temperature", "5"])).code, 1);
  await assert.rejects(Deno.stat(join(dir.path, "model_options.json")), Deno.errors.NotFound);
  const usage = await runCli(["models", "options", "set", "4o", "temperature"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /Usage: llm models options set \[OPTIONS\] MODEL KEY VALUE/);
});

Deno.test("llm models options clear: one key, all keys, keys that were not set", async () => {
  await using dir = await tempUserDir();
  for (const [key, value] of [["temperature", "0.5"], ["max_tokens", "100"], ["seed", "1"]]) {
    await run(["models", "options", "set", "4o", key, value]);
  }
  await run(["models", "options", "set", "nomodel", "foo", "bar"]);
  assert.deepEqual(await run(["models", "options", "clear", "4o", "temperature"]), {
    code: 0,
    stdout: "Cleared option 'temperature' for model gpt-4o\n",
    stderr: "",
  });
  // Python names the key even when it was not set.
  assert.equal(
    (await run(["models", "options", "clear", "4o", "nosuch"])).stdout,
    "Cleared option 'nosuch' for model gpt-4o\n",
  );
  assert.equal(
    (await run(["models", "options", "clear", "gpt-4o"])).stdout,
    "Cleared max_tokens, seed options for model gpt-4o\n",
  );
  assert.equal(
    (await run(["models", "options", "clear", "nomodel"])).stdout,
    "Cleared option 'foo' for model nomodel\n",
  );
  assert.deepEqual(await run(["models", "options", "clear", "4o"]), { code: 0, stdout: "", stderr: "" });
  assert.deepEqual(JSON.parse(await Deno.readTextFile(join(dir.path, "model_options.json"))), {});
});
