import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { tempUserDir } from "./support/env.ts";
import { runCli } from "./support/run_cli.ts";

const FIXTURES = new URL("./fixtures/cli-output/", import.meta.url);
const fixture = (name: string) => Deno.readTextFile(new URL(name, FIXTURES));

async function run(args: string[]) {
  const io = memoryIo();
  const code = await main(args, io, { dotenv: false });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

async function readAliases(dir: string): Promise<string> {
  return await Deno.readTextFile(join(dir, "aliases.json"));
}

/** Python's `llm aliases` output, embedding models' aliases included. */
function pythonAliasesText(): Promise<string> {
  return fixture("aliases.txt");
}

/** Python's `llm aliases --json` output. */
function pythonAliasesJson(): Promise<string> {
  return fixture("aliases-json.txt");
}

Deno.test("llm aliases set, then llm aliases and --json match Python llm 0.32", async () => {
  await using dir = await tempUserDir();
  assert.deepEqual(await run(["aliases", "set", "mini", "4o-mini"]), { code: 0, stdout: "", stderr: "" });
  assert.deepEqual(await run(["aliases", "set", "turbo", "-q", "gpt-4", "-q", "turbo"]), {
    code: 0,
    stdout: "",
    stderr: "Alias 'turbo' set to model 'gpt-4-turbo-2024-04-09'\n",
  });
  // An unknown model id is stored as it is; the alias is not listed until such a model exists. Python llm
  // says nothing; we warn (issue 12).
  assert.deepEqual(await run(["aliases", "set", "foo", "not-a-model"]), {
    code: 0,
    stdout: "",
    stderr:
      "Warning: No model 'not-a-model' is known; alias 'foo' was set anyway, for a model a plugin may " +
      "add later. Run 'llm models' to list models\n",
  });
  assert.equal(await readAliases(dir.path), await fixture("aliases-setup.json"));
  assert.deepEqual(await run(["aliases"]), { code: 0, stdout: await pythonAliasesText(), stderr: "" });
  assert.deepEqual(await run(["aliases", "list"]), {
    code: 0,
    stdout: await pythonAliasesText(),
    stderr: "",
  });
  // Python's key order is kept: "4" is not moved to the front as it would be in a JS object.
  assert.deepEqual(await run(["aliases", "list", "--json"]), {
    code: 0,
    stdout: await pythonAliasesJson(),
    stderr: "",
  });
});

Deno.test("llm aliases: a user alias repeating a provider alias is listed once; --json escapes non-ASCII", async () => {
  await using dir = await tempUserDir();
  await Deno.writeTextFile(
    join(dir.path, "aliases.json"),
    JSON.stringify({ "4o-mini": "gpt-4o-mini", "élan": "gpt-4o", "gpt-4": "gpt-4" }),
  );
  const text = (await run(["aliases"])).stdout;
  assert.equal(text.split("\n").filter((l) => l.startsWith("4o-mini ")).length, 1);
  assert.match(text, /^élan {16}: gpt-4o$/m);
  // An alias equal to its model's id is not listed.
  assert.doesNotMatch(text, /^gpt-4 +: gpt-4$/m);
  const json = (await run(["aliases", "--json"])).stdout;
  assert.match(json, /^ {4}"\\u00e9lan": "gpt-4o",$/m);
  assert.equal(JSON.parse(json)["élan"], "gpt-4o");
});

Deno.test("llm aliases set resolves an alias to its model id and overwrites an alias", async () => {
  await using dir = await tempUserDir();
  await run(["aliases", "set", "x", "4o"]);
  await run(["aliases", "set", "x", "chatgpt"]);
  assert.equal(await readAliases(dir.path), '{\n    "x": "gpt-3.5-turbo"\n}\n');
  // The first model matching every query wins; -q is ignored when a MODEL_ID is given.
  assert.equal(
    (await run(["aliases", "set", "y", "-q", "4.1"])).stderr,
    "Alias 'y' set to model 'gpt-4.1'\n",
  );
  assert.deepEqual(await run(["aliases", "set", "z", "o3", "-q", "4.1"]), {
    code: 0,
    stdout: "",
    stderr: "",
  });
  assert.deepEqual(JSON.parse(await readAliases(dir.path)), { x: "gpt-3.5-turbo", y: "gpt-4.1", z: "o3" });
  assert.equal((await run(["models", "-m", "y"])).stdout, "OpenAI Chat: gpt-4.1 (aliases: 4.1, y)\n");
});

Deno.test("llm aliases set errors: neither MODEL_ID nor -q, no match (exit 1); no ALIAS (exit 2)", async () => {
  await using dir = await tempUserDir();
  assert.deepEqual(await runCli(["aliases", "set", "bar"]), {
    code: 1,
    stdout: "",
    stderr:
      "Error: You must provide a model_id or at least one -q option, e.g. 'llm aliases set bar gpt-4o-mini'\n",
  });
  const none = await run(["aliases", "set", "bar", "-q", "zzz", "-q", "yyy"]);
  assert.equal(none.code, 1);
  assert.equal(
    none.stderr,
    "Error: No model found matching query: zzz, yyy. Run 'llm models' to list models\n",
  );
  await assert.rejects(Deno.stat(join(dir.path, "aliases.json")), Deno.errors.NotFound);
  const usage = await runCli(["aliases", "set"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /Usage: llm aliases set \[OPTIONS\] ALIAS \[MODEL_ID\]/);
});

Deno.test("llm aliases remove: removes, or fails (exit 1) for an unknown alias or a missing file", async () => {
  await using dir = await tempUserDir();
  const missingFile = await runCli(["aliases", "remove", "mini"]);
  assert.equal(missingFile.code, 1);
  assert.equal(
    missingFile.stderr,
    "Error: No aliases.json file exists, so there is no alias 'mini' to remove\n",
  );
  await run(["aliases", "set", "mini", "4o-mini"]);
  await run(["aliases", "set", "big", "4o"]);
  assert.deepEqual(await run(["aliases", "remove", "mini"]), { code: 0, stdout: "", stderr: "" });
  assert.equal(await readAliases(dir.path), '{\n    "big": "gpt-4o"\n}\n');
  const unknown = await run(["aliases", "remove", "nope"]);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr, "Error: No such alias: nope. Run 'llm aliases' to list aliases\n");
});

Deno.test("llm aliases path", async () => {
  await using dir = await tempUserDir();
  assert.deepEqual(await run(["aliases", "path"]), {
    code: 0,
    stdout: join(dir.path, "aliases.json") + "\n",
    stderr: "",
  });
});
