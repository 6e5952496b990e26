import assert from "node:assert/strict";
import { join } from "node:path";
import { loadParseArgs, parseCommandLine } from "../lib/cli/args.ts";
import { loadDotenv } from "../lib/cli/dotenv.ts";
import { memoryIo, paint, readStdinText, startSpinner } from "../lib/cli/io.ts";
import { main } from "../lib/cli/main.ts";
import { addCommand, type CommandSpec, isUsageError, UsageError } from "../lib/commands/spec.ts";
import { buildCommandTable } from "../lib/cli/table.ts";
import { behaviourIn } from "../lib/cli/command_builders.ts";

// Command lines with options are parsed by node:util parseArgs, which main() loads on demand.
await loadParseArgs();

const parse = (...argv: string[]) => parseCommandLine(buildCommandTable(), argv);

function usageMessage(argv: string[]): string {
  try {
    parse(...argv);
  } catch (error) {
    assert.ok(isUsageError(error), `expected a usage error, got ${error}`);
    return error.message;
  }
  throw new Error(`no usage error for ${argv.join(" ")}`);
}

/** Runs `fn` with environment variables set, restoring them afterwards. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T | Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, Deno.env.get(k)]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, value] of Object.entries(v)) {
      value === undefined ? Deno.env.delete(k) : Deno.env.set(k, value);
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

Deno.test("the root falls back to prompt: for a prompt, for options, and for no arguments", () => {
  assert.deepEqual(parse("hi").path, ["prompt"]);
  assert.equal(parse("hi").args.prompt, "hi");
  assert.deepEqual(parse().path, ["prompt"]);
  assert.equal(parse().args.prompt, undefined);
  const withModel = parse("-m", "4o", "hi");
  assert.deepEqual([withModel.path, withModel.values.model, withModel.args.prompt], [["prompt"], "4o", "hi"]);
});

Deno.test("groups fall back to list, including nested groups", () => {
  const logs = parse("logs", "-n", "1");
  assert.deepEqual([logs.path, logs.values.count], [["logs", "list"], 1]);
  assert.deepEqual(parse("keys").path, ["keys", "list"]);
  assert.deepEqual(parse("models", "options").path, ["models", "options", "list"]);
  assert.deepEqual(parse("models", "options", "set", "m", "k", "v").args, {
    model: "m",
    key: "k",
    value: "v",
  });
  assert.equal(usageMessage(["models", "frob"]), "Got unexpected extra argument (frob)");
});

Deno.test("pair options read two values each and repeat", () => {
  const p = parse("-o", "temperature", "0.5", "--option", "seed", "-1", "--at", "x.png", "image/png", "q");
  assert.deepEqual(p.values.option, [["temperature", "0.5"], ["seed", "-1"]]);
  assert.deepEqual(p.values.attachmentType, [["x.png", "image/png"]]);
  assert.equal(p.args.prompt, "q");
  assert.deepEqual(parse("hi").values.option, []);
  assert.equal(usageMessage(["-o", "a"]), "Option '-o' requires 2 arguments");
  assert.equal(usageMessage(["chat", "-p", "x"]), "Option '-p' requires 2 arguments");
});

Deno.test("an option takes the next word as its value, even one starting with a dash", () => {
  assert.equal(parse("logs", "-n", "-1").values.count, -1);
  assert.equal(parse("-s", "--help", "hi").values.system, "--help");
  assert.equal(parse("-s", "--help", "hi").help, false);
  assert.equal(parse("--system=a=b").values.system, "a=b");
  assert.equal(parse("-sterse").values.system, "terse");
  assert.equal(parse("models", "options", "set", "m", "temperature", "-0.5").args.value, "-0.5");
});

Deno.test("short flags can be grouped, with a value on the last one", () => {
  const p = parse("logs", "-xun", "2");
  assert.deepEqual([p.values.extract, p.values.usage, p.values.count], [true, true, 2]);
  assert.equal(parse("logs", "-n5").values.count, 5);
  assert.equal(usageMessage(["logs", "-xz"]), "No such option '-z'");
});

Deno.test("-- ends the options", () => {
  const p = parse("prompt", "--", "--not-an-option");
  assert.equal(p.args.prompt, "--not-an-option");
  assert.equal(parse("--", "-h").help, false);
});

Deno.test("defaults: false for flags, [] for repeated options, declared defaults, undefined otherwise", () => {
  const p = parse("hi");
  assert.equal(p.values.noStream, false);
  assert.deepEqual(p.values.tool, []);
  assert.equal(p.values.chainLimit, 5);
  assert.equal(p.values.system, undefined);
  assert.equal(parse("--cl", "0").values.chainLimit, 0);
});

Deno.test("LLM_MODEL and LLM_TOOLS_DEBUG fill in options that were not given", async () => {
  await withEnv({ LLM_MODEL: "from-env", LLM_TOOLS_DEBUG: "1" }, () => {
    assert.equal(parse("hi").values.model, "from-env");
    assert.equal(parse("-m", "given", "hi").values.model, "given");
    assert.equal(parse("chat").values.model, "from-env");
    assert.equal(parse("hi").values.toolsDebug, true);
    assert.deepEqual(parse("models", "list").values.model, [], "models list -m has no env var");
  });
  await withEnv({ LLM_MODEL: "", LLM_TOOLS_DEBUG: "no" }, () => {
    assert.equal(parse("hi").values.model, undefined);
    assert.equal(parse("hi").values.toolsDebug, false);
  });
  await withEnv({ LLM_TOOLS_DEBUG: "maybe" }, () => {
    assert.match(usageMessage(["hi"]), /LLM_TOOLS_DEBUG: 'maybe' is not a valid boolean/);
  });
});

Deno.test("usage errors use click's wording", () => {
  assert.equal(
    usageMessage(["logs", "-n", "x"]),
    "Invalid value for '-n' / '--count': 'x' is not a valid integer",
  );
  assert.equal(usageMessage(["logs", "list", "-n"]), "Option '-n' requires an argument");
  assert.equal(usageMessage(["prompt", "--frob"]), "No such option '--frob'");
  assert.equal(usageMessage(["--frob"]), "No such option '--frob'");
  assert.equal(usageMessage(["logs", "--jsn"]), "No such option '--jsn'. Did you mean '--json'?");
  assert.equal(usageMessage(["keys", "get"]), "Missing argument 'NAME'");
  assert.equal(usageMessage(["keys", "get", "a", "b", "c"]), "Got unexpected extra arguments (b c)");
  assert.equal(usageMessage(["logs", "--json=yes"]), "Option '--json' does not take a value");
  assert.equal(usageMessage(["uninstall"]), "Missing argument 'PACKAGES...'");
});

Deno.test("help is found anywhere among a command's options, and on groups", () => {
  assert.equal(parse("logs", "list", "-n", "3", "--help").help, true);
  const group = parse("models", "-h");
  assert.deepEqual([group.help, group.path, group.command.name], [true, ["models"], "models"]);
  assert.equal(parse("--help").command.name, "llm");
  assert.equal(parse("keys", "get", "-h").help, true, "help wins over a missing argument");
  assert.equal(parse("--version").version, true);
});

Deno.test("variadic arguments take every remaining word", () => {
  assert.deepEqual(parse("install", "llm-a", "-U", "llm-b").args.packages, ["llm-a", "llm-b"]);
  assert.deepEqual(parse("install").args.packages, []);
});

Deno.test("choices are checked, and plugins can add commands", async () => {
  const root = buildCommandTable();
  const seen: unknown[] = [];
  addCommand(root, {
    name: "pick",
    summary: "Pick a format",
    options: [{
      name: "format",
      flags: ["-f", "--format"],
      type: "string",
      choices: ["json", "csv"],
      help: "Format",
    }],
    run: (ctx) => {
      seen.push(ctx.values.format);
      return Promise.resolve(3);
    },
  });
  assert.throws(() => addCommand(root, { name: "pick", summary: "Again" }), /already exists in 'llm'/);
  assert.throws(
    () => parseCommandLine(root, ["pick", "-f", "xml"]),
    /Invalid value for '-f' \/ '--format': 'xml' is not one of 'json', 'csv'/,
  );
  const io = memoryIo();
  assert.equal(await main(["pick", "--format", "csv"], io, { root, dotenv: false }), 3);
  assert.deepEqual(seen, ["csv"]);
});

function testRoot(run: CommandSpec["run"]): CommandSpec {
  return {
    name: "llm",
    summary: "Test",
    defaultSubcommand: "go",
    subcommands: [{ name: "go", summary: "Go", args: [{ name: "thing" }], run }],
  };
}

Deno.test("main prints usage errors on stderr with exit code 2", async () => {
  const io = memoryIo();
  assert.equal(await main(["prompt", "--frob"], io, { dotenv: false }), 2);
  assert.equal(
    io.stderrText(),
    "Usage: llm prompt [OPTIONS] [PROMPT]\nTry 'llm prompt --help' for help.\n\nError: No such option '--frob'\n",
  );
  assert.equal(io.stdoutText(), "");
  const fromCommand = memoryIo();
  const root = testRoot(() => Promise.reject(new UsageError("Fragment alias must be alphanumeric")));
  assert.equal(await main(["go"], fromCommand, { root, dotenv: false }), 2);
  assert.match(fromCommand.stderrText(), /^Usage: llm go \[OPTIONS\] \[THING\]\n.*\n\nError: Fragment alias/);
});

Deno.test("main prints other errors as 'Error: <message>' with their exit code, or 1", async () => {
  class ModelError extends Error {
    exitCode = 1;
    override name = "ModelError";
  }
  const io = memoryIo();
  assert.equal(await main(["x"], io, { root: testRoot(() => Promise.reject(new ModelError("No key"))) }), 1);
  assert.equal(io.stderrText(), "Error: No key\n");
  const odd = memoryIo();
  const thrown = Object.assign(new Error("Quota"), { exitCode: 3 });
  assert.equal(await main([], odd, { root: testRoot(() => Promise.reject(thrown)), dotenv: false }), 3);
  assert.equal(odd.stderrText(), "Error: Quota\n");
  const missing = memoryIo();
  assert.equal(
    await main(["go"], missing, {
      root: testRoot(
        behaviourIn(new URL("../lib/cli/commands/keys/command.ts", import.meta.url).href, "./run.ts")(
          "noSuchExport",
        ),
      ),
      dotenv: false,
    }),
    1,
  );
  assert.equal(missing.stderrText(), "Error: 'llm go' is not implemented yet\n");
});

Deno.test("LLM_RAISE_ERRORS=1 lets errors through", async () => {
  const root = testRoot(() => Promise.reject(new TypeError("boom")));
  await withEnv({ LLM_RAISE_ERRORS: "1" }, async () => {
    await assert.rejects(main(["x"], memoryIo(), { root, dotenv: false }), /boom/);
  });
});

Deno.test("main passes values, arguments and io to the command, and returns 0 for no code", async () => {
  const root = testRoot((ctx) => {
    ctx.io.stdout.write(`${ctx.path.join("/")}:${ctx.args.thing}`);
    return Promise.resolve();
  });
  const io = memoryIo();
  assert.equal(await main(["go", "it"], io, { root, dotenv: false }), 0);
  assert.equal(io.stdoutText(), "go:it");
});

Deno.test(".env values are loaded without overriding variables already set", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, ".env"), "LLM_TEST_NEW=fresh\nLLM_TEST_SET='from file'\n# comment\n");
    await withEnv({ LLM_TEST_NEW: undefined, LLM_TEST_SET: "kept" }, async () => {
      assert.deepEqual(await loadDotenv(dir), ["LLM_TEST_NEW"]);
      assert.equal(Deno.env.get("LLM_TEST_NEW"), "fresh");
      assert.equal(Deno.env.get("LLM_TEST_SET"), "kept");
    });
    assert.deepEqual(await loadDotenv(join(dir, "missing")), []);
    await Deno.mkdir(join(dir, "locked"));
    await Deno.writeTextFile(join(dir, "locked", ".env"), "LLM_TEST_LOCKED=1\n");
    await Deno.chmod(join(dir, "locked", ".env"), 0o000);
    if (Deno.uid() !== 0) assert.deepEqual(await loadDotenv(join(dir, "locked")), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("io: colours only on a terminal without NO_COLOR; reads stdin; spinner only on a terminal", async () => {
  const plain = memoryIo();
  assert.equal(paint(plain.stderr, "x", "red"), "x");
  const tty = memoryIo({ terminal: true, stdin: "piped text" });
  await withEnv(
    { NO_COLOR: undefined },
    () => assert.equal(paint(tty.stderr, "x", "red", "bold"), "\x1b[31m\x1b[1mx\x1b[22m\x1b[39m"),
  );
  await withEnv({ NO_COLOR: "1" }, () => assert.equal(paint(tty.stderr, "x", "red"), "x"));
  assert.equal(await readStdinText(tty), "piped text");
  startSpinner(plain)();
  assert.equal(plain.stderrText(), "");
  const stop = startSpinner(tty, "thinking");
  stop();
  stop();
  assert.ok(tty.stderrText().includes("thinking"));
  assert.ok(tty.stderrText().endsWith("\r\x1b[2K"), "stopping erases the line");
});

Deno.test("the real streams write each piece at once, through a pipe", async () => {
  const code = `import { denoIo } from ${JSON.stringify(new URL("../lib/cli/io.ts", import.meta.url).href)};
    const io = denoIo(); io.stdout.write("first"); await new Promise((r) => setTimeout(r, 5000)); io.stdout.write("late");`;
  const child = new Deno.Command(Deno.execPath(), { args: ["eval", code], stdout: "piped", stderr: "null" })
    .spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  assert.equal(new TextDecoder().decode(value), "first", "the first write arrived before the second");
  child.kill();
  await reader.cancel();
  await child.status;
});

Deno.test("llm openai is a command group, never sent to a model as the prompt 'openai x'", async () => {
  const io = memoryIo();
  assert.equal(await main(["openai", "x"], io, { dotenv: false }), 2);
  assert.match(io.stderrText(), /^Usage: llm openai \[OPTIONS\] COMMAND \[ARGS\]\.\.\.\n/);
  assert.match(io.stderrText(), /Error: No such command 'x'\n$/);
});
