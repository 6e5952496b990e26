import assert from "node:assert/strict";
import { loadParseArgs, parseCommandLine } from "../lib/cli/args.ts";
import { DOCS_URL, renderHelp } from "../lib/cli/help.ts";
import { setEnv } from "./support/env.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { main } from "../lib/cli/main.ts";
import { type CommandSpec, findCommand } from "../lib/commands/spec.ts";
import { buildCommandTable } from "../lib/cli/table.ts";
import { VERSION } from "../lib/version.ts";
import { staticImportGraph } from "./support/static_graph.ts";

// Command lines with options are parsed by node:util parseArgs, which main() loads on demand.
await loadParseArgs();

const FIXTURES = new URL("./fixtures/cli-help/", import.meta.url);

/** The recorded `--help` of Python llm 0.32 for `llm <path>`. */
function pythonHelp(path: string[]): string {
  return Deno.readTextFileSync(new URL(`${["llm", ...path].join("_")}.txt`, FIXTURES));
}

/** Every recorded command path, from the fixture file names. */
function recordedPaths(): string[][] {
  return [...Deno.readDirSync(FIXTURES)]
    .map((e) => e.name.replace(/\.txt$/, "").split("_").slice(1))
    .sort();
}

/** Flags listed in the `Options:` section of a help text, e.g. `-m`, `--model`. */
function optionFlags(help: string): Set<string> {
  const flags = new Set<string>();
  const section = help.split("\nOptions:\n")[1]?.split("\n\nCommands:")[0] ?? "";
  for (const line of section.split("\n")) {
    const match = line.match(/^ {2}(-[^ ,]*(?:, -[^ ,]*)*)/);
    if (match) { for (const flag of match[1].split(", ")) flags.add(flag); }
  }
  return flags;
}

/** Command names listed in the `Commands:` section of a help text. */
function commandNames(help: string): string[] {
  const section = help.split("\nCommands:\n")[1] ?? "";
  return section.split("\n").filter(Boolean).map((l) => l.trim().split(/\s+/)[0].replace(/\*$/, "")).sort();
}

async function ourHelp(path: string[]): Promise<string> {
  const io = memoryIo();
  assert.equal(await main([...path, "--help"], io, { dotenv: false }), 0);
  return io.stdoutText();
}

/**
 * The flags this project adds to Python llm's commands, by command path (each documented in the README). The
 * comparison stays exact: any other flag Python llm does not have fails the test.
 */
const OUR_FLAGS: Record<string, string[]> = {
  "prompt": ["--raw"],
  "chat": ["--raw"],
  "logs list": ["--cost", "--since", "--until", "--raw"],
  "install": ["-y", "--yes"],
};

const ours = buildCommandTable();
const covered = recordedPaths().filter((path) => path.length === 0 || findSubcommand(path[0]));

function findSubcommand(name: string): CommandSpec | undefined {
  return findCommand(ours, [name]);
}

Deno.test("every command Python llm has in our groups exists here (recorded help has all we cover)", () => {
  const missing = covered.filter((path) => !findCommand(ours, path)).map((p) => p.join(" "));
  assert.deepEqual(missing, []);
  for (
    const name of [
      "prompt",
      "chat",
      "keys",
      "models",
      "aliases",
      "logs",
      "templates",
      "fragments",
      "embed",
      "embed-multi",
      "similar",
      "embed-models",
      "collections",
      "openai",
    ]
  ) {
    assert.ok(findSubcommand(name), `llm ${name} is in the table`);
  }
});

Deno.test("every option of Python llm appears in our help, with the same usage line", async () => {
  for (const path of covered) {
    const theirs = pythonHelp(path);
    const mine = await ourHelp(path);
    const label = `llm ${path.join(" ")}`;
    assert.equal(mine.split("\n")[0], theirs.split("\n")[0], `${label}: usage line`);
    const missing = [...optionFlags(theirs)].filter((f) => !optionFlags(mine).has(f));
    assert.deepEqual(missing, [], `${label}: options missing from our help`);
    const added = OUR_FLAGS[path.join(" ")] ?? [];
    const extra = [...optionFlags(mine)].filter((f) => !optionFlags(theirs).has(f) && !added.includes(f));
    assert.deepEqual(extra, [], `${label}: options Python llm does not have`);
    for (const flag of added) assert.ok(optionFlags(mine).has(flag), `${label}: our ${flag} is in our help`);
    if (path.length > 0 && findCommand(ours, path)?.subcommands) {
      assert.deepEqual(commandNames(mine), commandNames(theirs), `${label}: subcommands`);
    }
  }
});

Deno.test("root help names the user directory and the documentation", async () => {
  const restore = setEnv({ LLM_USER_PATH: "/tmp/llm-help-user-dir" });
  try {
    const help = await ourHelp([]);
    assert.match(help, /\n {2}User directory: \/tmp\/llm-help-user-dir \(set LLM_USER_PATH for another\)\n/);
    assert.match(help, new RegExp(`\n {2}Documentation: ${DOCS_URL.replace(/[.]/g, "\\.")}\n\nOptions:\n`));
    assert.doesNotMatch(await ourHelp(["keys"]), /User directory/, "only the root help");
  } finally {
    restore();
  }
});

Deno.test("root help lists our commands, default first and marked", async () => {
  const help = await ourHelp([]);
  const commands = help.split("\nCommands:\n")[1].split("\n");
  assert.match(commands[0], /^ {2}prompt\* +Run a prompt$/);
  assert.match(help, /^ {2}--version +Show the version and exit\.$/m);
  const theirs = commandNames(pythonHelp([]));
  const notYet = theirs.filter((n) => !findSubcommand(n));
  assert.deepEqual(notYet, []);
});

Deno.test("help layout: aligned columns, wrapped help, long flags on their own line", () => {
  const command: CommandSpec = {
    name: "demo",
    summary: "Demo",
    description: "First paragraph that is long enough to need wrapping when the terminal is only fifty-two " +
      "columns wide.\n\n    example --kept as written",
    args: [{ name: "name", required: true }, { name: "rest", variadic: true }],
    options: [
      { name: "a", flags: ["--alpha", "-a"], type: "string", help: "Short help" },
      { name: "pair", flags: ["--attachment-type-long-name"], type: "pair", help: "Goes on the next line" },
      { name: "n", flags: ["-n", "--count"], type: "integer", help: "Count", env: "DEMO_COUNT" },
      { name: "h", flags: ["--secret"], type: "boolean", help: "Hidden", hidden: true },
    ],
  };
  const help = renderHelp({ programName: "llm", path: ["demo"], command }, 52);
  assert.equal(
    help,
    [
      "Usage: llm demo [OPTIONS] NAME [REST]...",
      "",
      "  First paragraph that is long enough to need",
      "  wrapping when the terminal is only fifty-two",
      "  columns wide.",
      "",
      "      example --kept as written",
      "",
      "Options:",
      "  -a, --alpha TEXT                Short help",
      "  --attachment-type-long-name <TEXT TEXT>...",
      "                                  Goes on the next",
      "                                  line",
      "  -n, --count INTEGER             Count [env var:",
      "                                  DEMO_COUNT]",
      "  -h, --help                      Show this",
      "                                  message and",
      "                                  exit.",
      "",
    ].join("\n"),
  );
});

Deno.test("group help and help of a command reached through a default", async () => {
  const logs = await ourHelp(["logs"]);
  assert.match(logs, /^Usage: llm logs \[OPTIONS\] COMMAND \[ARGS\]\.\.\.\n/);
  assert.match(logs, /\nCommands:\n {2}list\* +Show logged prompts/);
  const io = memoryIo();
  assert.equal(await main(["logs", "-n", "2", "-h"], io, { dotenv: false }), 0);
  assert.match(io.stdoutText(), /^Usage: llm logs list \[OPTIONS\]\n/);
  assert.match(io.stdoutText(), /-n, --count INTEGER/);
  assert.doesNotMatch(io.stdoutText(), /--path/, "hidden options stay hidden");
});

Deno.test("--version prints the version, which matches deno.json", async () => {
  const io = memoryIo();
  assert.equal(await main(["--version"], io, { dotenv: false }), 0);
  assert.equal(io.stdoutText(), `llm, version ${VERSION}\n`);
  // deno.json has comments, so read the version with a pattern rather than JSON.parse.
  const denoJson = await Deno.readTextFile(new URL("../deno.json", import.meta.url));
  assert.equal(VERSION, denoJson.match(/^\s*"version":\s*"([^"]+)"/m)?.[1]);
});

Deno.test("parsing and help load no npm package: main.ts reaches none statically", async () => {
  const { modules } = await staticImportGraph(new URL("../lib/cli/main.ts", import.meta.url));
  const notLocal = [...modules].filter((s) => !s.startsWith("file:") && !s.startsWith("node:"));
  assert.deepEqual(notLocal, []);
  assert.ok([...modules].some((s) => s.endsWith("/lib/cli/table.ts")));
});

Deno.test("the parsed command of a plain prompt is the prompt command", () => {
  assert.equal(parseCommandLine(ours, ["hello"]).command.name, "prompt");
});
