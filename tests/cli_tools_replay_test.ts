/**
 * Every applicable recording of Python llm 0.32's tool commands (tests/fixtures/python-llm-0.32/tools/),
 * replayed: the loopback server gives our CLI (a subprocess) the replies Python got, with the same argv (a
 * `--functions x.py` becomes an equivalent `x.ts` written here), and the exit code, stdout, stderr and every
 * request body are compared with what Python printed and sent. A deliberate difference is named in the table
 * with its reason and only that difference is normalised; what varies between runs (ids, times, row numbers)
 * is normalised for every case.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { VERSION } from "../lib/version.ts";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { cliSetup } from "./support/cli_setup.ts";
import { tempUserDir } from "./support/env.ts";
import { startOpenAIServer } from "./support/openai_server.ts";

const PYTHON = new URL("./fixtures/python-llm-0.32/tools/", import.meta.url).pathname;

interface Recording {
  argv: string[];
  exit_code: number;
  stdout: string;
  stderr: string;
  stdin?: string;
  interactions: { request: { path: string; body: unknown } }[];
}

function recording(name: string): Recording {
  return JSON.parse(Deno.readTextFileSync(join(PYTHON, `${name}.json`)));
}

/** What a run produced, on either side, in the form that is compared. */
interface Run {
  code: number;
  stdout: string;
  stderr: string;
  requests: { path: string; body: unknown }[];
}

/** A deliberate difference: why, and how it is taken out of Python's run and/or ours before comparing. */
interface Difference {
  why: string;
  python?: (run: Run) => void;
  ours?: (run: Run) => void;
}

interface Case {
  /** The recording. */
  name: string;
  /** Our argv when it is not Python's (the `.py` files translated). */
  args?: string[];
  /** Recordings to run first in the same user directory (the `-c` cases continue them). */
  after?: string[];
  /** Read Python's logs.db (`-d`), for the `llm logs` cases. */
  pythonDb?: boolean;
  differs?: Difference[];
}

// The --functions files of the recordings, in TypeScript: same names, parameters, types, docs, behaviour.
const FILES: Record<string, string> = {
  "chain_funcs.ts": `/** Multiply two integers. */
function multiply(a: integer, b: integer): integer { return a * b; }
/** Look up a value by key. */
function lookup(key: string): string {
  const next: Record<string, string> = { start: "next key is middle", middle: "next key is end", end: "the answer is 42" };
  return next[key] ?? "unknown key";
}
`,
  "raise_funcs.ts": `/** Always raises an exception. */
function explode(reason: string): string { throw new Error(\`Tool exploded: \${reason}\`); }
`,
  "return_types_funcs.ts": `/** Returns a dict. */
function give_dict(): object { return { b: 1, a: [1, 2], nested: { x: null } }; }
/** Returns an int. */
function give_int(): integer { return 42; }
/** Returns a list. */
function give_list(): unknown[] { return ["one", 2, 3.5, true, null]; }
/** Returns None. */
function give_none() {}
`,
  "schema_funcs.ts": `import * as typing from "node:util"; // a module, not a tool
/** A str parameter. */
function p_str(value: string) {}
/** An int parameter. */
function p_int(value: integer) {}
/** A float parameter. */
function p_float(value: number) {}
/** A bool parameter. */
function p_bool(value: boolean) {}
/** A list[str] parameter. */
function p_list_str(values: string[]) {}
/** A list[int] parameter. */
function p_list_int(values: integer[]) {}
/** A bare list parameter. */
function p_list_bare(values: unknown[]) {}
/** A dict parameter. */
function p_dict(value: object) {}
/** A dict[str, int] parameter. */
function p_dict_str_int(value: Record<string, integer>) {}
/** An Optional[str] parameter with no default. */
function p_optional(value: string | null) {}
/** An Optional[str] parameter defaulting to None. */
function p_optional_default(value: string | null = null) {}
/** A str | None parameter defaulting to None. */
function p_union_none(value: string | null = null) {}
/** A Literal parameter. */
function p_literal(mode: "fast" | "slow") {}
/** Parameters with defaults. */
function p_defaults(text: string = "hi", count: integer = 3, ratio: number = 0.5, flag: boolean = false, tags: string[] = []) {}
/** A required parameter then one with a default. */
function p_mixed(required: string, optional: integer = 7) {}
/** A parameter with no annotation. */
function p_untyped(value) {}
/** A parameter with no annotation and a default. */
function p_untyped_default(value = 5) {}
/** No parameters, returns str. */
function p_no_params(): string { return "x"; }
function p_no_docstring(value: string): object { return {}; }
/**
 * First line of the docstring.
 *
 *     More detail on a later line,
 *     indented in the source.
 */
function p_multiline_doc(value: string): integer { return 1; }
function _private_helper(value: string) {}
`,
};

/** Python's argv with `x.py` files as our `x.ts`. */
function translated(argv: string[]): string[] {
  return argv.slice(1).map((arg) => arg.replace(/^(\w+)\.py$/, "$1.ts"));
}

// ---- What varies between runs (README "What varies between runs"), normalised on both sides. ----

const ULID = /\b01[0-9a-z]{24}\b/g;

function varying(run: Run): void {
  const text = (s: string) =>
    s.replace(ULID, "<ulid>")
      .replace(/"datetime_utc": "[^"]+"/g, '"datetime_utc": "<time>"')
      .replace(/"duration_ms": \d+/g, '"duration_ms": 0')
      .replace(/^# \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/gm, "# <time>")
      .replace(/datetime: '[^']+'/g, "datetime: '<time>'");
  run.stdout = text(run.stdout);
  run.stderr = text(run.stderr);
}

/** llm_time's answer (a-chat-parallel-calls-td): a time, so different on every run. */
const LLM_TIME = /\{[^{}]*"utc_time"[^{}]*\}/gs;
function timeVaries(run: Run): void {
  run.stderr = run.stderr.replace(LLM_TIME, "<llm_time>");
  run.requests = JSON.parse(
    JSON.stringify(run.requests).replace(/\{[^{}]*\\"utc_time\\"[^{}]*\}/g, "<llm_time>"),
  );
}

/** Row ids of logs.db in `--json` output: Python's database had other rows before. */
function rowIds(run: Run): void {
  run.stdout = run.stdout.replace(/"(id|tool_id)": \d+/g, '"$1": 0');
}

// ---- Deliberate differences ----

const version: Difference = {
  why: "llm_version answers with our version, not 0.32",
  ours: (run) => {
    run.stderr = run.stderr.replaceAll(`  ${VERSION}\n`, "  0.32\n");
    run.stdout = run.stdout.replaceAll(`"output": "${VERSION}"`, '"output": "0.32"');
    run.requests = JSON.parse(
      JSON.stringify(run.requests).replaceAll(`"content":"${VERSION}"`, '"content":"0.32"')
        .replaceAll(`"output":"${VERSION}"`, '"output":"0.32"'),
    );
  },
};

/** JSON text with every object's keys sorted. */
function sortedJson(text: string): string {
  const sort = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(sort) : value && typeof value === "object"
      ? Object.fromEntries(
        Object.entries(value).sort(([a], [b]) => a < b ? -1 : 1).map(([k, v]) => [k, sort(v)]),
      )
      : value;
  return JSON.stringify(sort(JSON.parse(text)), null, 2) + "\n";
}

const rawKeyOrder: Difference = {
  why: "response_json keeps the API's key order; Python's follows its SDK's model fields",
  python: (run) => void (run.stdout = sortedJson(run.stdout)),
  ours: (run) => void (run.stdout = sortedJson(run.stdout)),
};

const notJson: Difference = {
  why: "the error names the tool and the arguments; Python shows only its JSON parser's message",
  python: pythonSays(
    "Error: Expecting value: line 1 column 15 (char 14)",
    `Error: The model called tool multiply with arguments that are not JSON ('{"a": 3, "b": ': ` +
      "Unexpected end of JSON input); try again",
  ),
};

/** A Python traceback: only its last line (the exception) is compared, as our one-line `Error:`. */
function traceback(ours: (stderr: string) => string = (s) => s): Difference {
  return {
    why: "Python prints a traceback; we print its last line as one 'Error:' line",
    python: (run) => {
      const last = run.stderr.trimEnd().split("\n").at(-1)!;
      run.stderr = `Error: ${last.replace(/^\w+: /, "")}\n`;
    },
    ours: (run) => void (run.stderr = ours(run.stderr)),
  };
}

/** Every string in a JSON value, rewritten by `fn` (objects and arrays are copied). */
function mapStrings<T>(value: T, fn: (s: string) => string): T {
  return JSON.parse(JSON.stringify(value), (_key, v) => typeof v === "string" ? fn(v) : v);
}

/** Replaces `from` by `to` in Python's output and in the strings of its requests. */
function pythonSays(from: string | RegExp, to: string): (run: Run) => void {
  return (run) => {
    run.stdout = run.stdout.replace(from, to);
    run.stderr = run.stderr.replace(from, to);
    run.requests = mapStrings(run.requests, (s) => s.replace(from, to));
  };
}

const chainLimit: Difference = {
  why: "the chain-limit error says what happened, without Python's trailing period (style.md)",
  python: pythonSays(
    /Error: Chain limit of (\d+) exceeded\.\n/,
    "Error: Chain limit of $1 exceeded; the model asked for more tool calls after $1 rounds\n",
  ),
};

/** A property schema of `p_untyped_default(value=5)`: Python says string, TypeScript types it by its default. */
const untypedDefault: Difference = {
  why: "TypeScript types `value = 5` as a number; Python 0.32 calls an unannotated parameter a string",
  python: (run) => {
    const fix = (tools: unknown) =>
      JSON.stringify(tools).replace(
        /("p_untyped_default".*?"value":\{"default":5,"type":)"string"/,
        '$1"number"',
      );
    run.requests = JSON.parse(fix(run.requests));
    run.stdout = run.stdout.replace(
      /("name": "p_untyped_default",[\s\S]*?"default": 5,\s*"type": )"string"/,
      '$1"number"',
    );
  },
};

const docstringEnd: Difference = {
  why: "a docstring keeps the indentation before its closing quotes; a JSDoc comment has none",
  python: (run) => {
    run.requests = mapStrings(run.requests, (s) => s.replace(/(indented in the source\.)\n {4}$/, "$1"));
    run.stdout = run.stdout.replace('indented in the source.\\n    "', 'indented in the source."');
  },
};

const signatures: Difference = {
  why: "llm tools list prints a --functions signature as written, in TypeScript",
  python: (run) => void (run.stdout = run.stdout.replace(/^(p_\w+)\(.*$/gm, "$1(...)")),
  ours: (run) => void (run.stdout = run.stdout.replace(/^(p_\w+)\(.*$/gm, "$1(...)")),
};

/** The server-side tools' descriptions, taken out of `llm tools list` text or JSON. */
function withoutServerSideDescriptions(run: Run): void {
  if (run.stdout.startsWith("{")) {
    const parsed = JSON.parse(run.stdout);
    for (const tool of parsed.server_side_tools ?? []) tool.description = "<description>";
    run.stdout = JSON.stringify(parsed, null, 2);
    return;
  }
  const [before, after] = run.stdout.split(/(?<=\(executed by the provider\):\n)/);
  run.stdout = before + after.replace(/^ {2}.*\n/gm, "").replace(/\n{3,}/g, "\n\n");
}

const serverSideDescriptions: Difference = {
  why: "the server-side tools' descriptions are our own words",
  python: withoutServerSideDescriptions,
  ours: withoutServerSideDescriptions,
};

const approvalNeedsTerminal: Difference = {
  why: "--ta with no terminal to ask on is refused before anything is sent; Python asks, reads EOF and " +
    "fails with an empty 'Error: ' (piped stdin became part of its prompt)",
  python: (run) =>
    Object.assign(run, {
      stdout: "",
      stderr: "Error: --ta/--tools-approve asks before each tool call, and needs a terminal to ask on; " +
        "run it from a terminal\n",
      requests: [],
    }),
};

const CASES: Case[] = [
  // Chat Completions chains.
  { name: "a-chat-stream-plain", differs: [version] },
  { name: "a-chat-stream-td", differs: [version] },
  { name: "a-chat-no-stream-td", differs: [version] },
  { name: "a-chat-parallel-calls-td", differs: [version] },
  { name: "a-chat-json-output", differs: [version, rawKeyOrder] },
  { name: "b-chain-3-rounds-td" },
  { name: "b-chain-default-limit-5", differs: [chainLimit] },
  { name: "b-chain-limit-0-unlimited" },
  { name: "b-chain-limit-1", differs: [chainLimit] },
  { name: "b-chain-limit-2-of-3", differs: [chainLimit] },
  {
    name: "b-chain-limit-1-text-only",
    differs: [{
      why: "--cl 1 allows one round: a reply without tool calls is an answer here, not a chain-limit error",
      python: (run) => Object.assign(run, { code: 0, stdout: run.stdout + "\n", stderr: "" }),
    }],
  },
  { name: "c-tool-raises-plain" },
  { name: "c-tool-raises-td" },
  { name: "return-types-td" },
  {
    name: "j-model-arguments-missing-td",
    differs: [{
      why: "arguments are checked against the tool's schema before it runs; Python reports its own TypeError",
      python: pythonSays(
        /multiply\(\) missing 1 required positional argument: 'b'/g,
        "invalid arguments for multiply: b is required",
      ),
    }],
  },
  {
    name: "j-model-arguments-wrong-type-td",
    differs: [{
      why: "arguments are checked against the tool's schema; Python runs multiply('3', 4) and answers 3333",
      python: (run) => {
        const error = 'invalid arguments for multiply: a must be integer, not string "3"';
        run.stderr = run.stderr.replace("  3333\n\n", `  Error: ${error}\n  Exception: ${error}\n`);
        pythonSays(/^3333$/, `Error: ${error}`)(run);
      },
    }],
  },
  { name: "j-model-arguments-not-json-td", differs: [notJson] },
  { name: "j-model-arguments-not-json-no-stream-td", differs: [notJson] },
  { name: "j-model-calls-unknown-tool-td", differs: [version] },
  // Responses API chains.
  { name: "d-responses-hide-reasoning", differs: [version] },
  { name: "d-responses-stream-td", differs: [version] },
  { name: "d-responses-no-stream-td", differs: [version] },
  { name: "d-responses-parallel-and-system", differs: [version] },
  // Server-side tools.
  { name: "e-websearch" },
  { name: "e-websearch-td" },
  { name: "e-websearch-no-stream" },
  { name: "e-websearch-configured" },
  { name: "e-websearch-spec-positional-json-object" },
  { name: "e-websearch-with-function-tool" },
  { name: "e-code-interpreter" },
  { name: "e-code-interpreter-configured" },
  { name: "e-code-interpreter-container" },
  { name: "e-server-side-tool-raw-spec" },
  { name: "e-websearch-on-chat-model" },
  {
    name: "e-websearch-chat-completions-option",
    differs: [{
      why: "the error says the option is what rules the tool out",
      python: pythonSays("'web_search'.", "'web_search' through Chat Completions."),
    }],
  },
  {
    name: "e-websearch-bad-argument",
    differs: [traceback((s) => s.replace("Error: WebSearch: ", "Error: "))],
  },
  {
    name: "e-websearch-spec-not-json",
    differs: [traceback((s) => s.replace(/ \(write true, false, null, "text"\)\n$/, "\n"))],
  },
  // --functions requests and llm tools list.
  { name: "f-functions-request-chat", differs: [untypedDefault, docstringEnd] },
  { name: "f-functions-request-responses", differs: [untypedDefault, docstringEnd] },
  { name: "f-tools" },
  { name: "f-tools-list" },
  { name: "f-tools-list-json" },
  { name: "f-tools-list-m-chat" },
  { name: "f-tools-list-m-chat-json" },
  { name: "f-tools-list-m-responses", differs: [serverSideDescriptions] },
  { name: "f-tools-list-m-responses-json", differs: [serverSideDescriptions] },
  {
    name: "f-tools-list-m-unknown",
    differs: [{
      why: "Python prints the KeyError's repr; ours is the error -m gives everywhere",
      python: pythonSays(
        "Error: 'Unknown model: nope'",
        "Error: Unknown model 'nope'. Run 'llm models' to list models",
      ),
    }],
  },
  { name: "f-tools-list-spec-websearch" },
  { name: "f-tools-list-functions", differs: [signatures] },
  { name: "f-tools-list-functions-json", differs: [untypedDefault, docstringEnd] },
  {
    name: "f-tools-list-functions-inline-json",
    args: [
      "tools",
      "list",
      "--functions",
      "/** Add. */\nfunction add(a: integer, b: integer = 2): integer { return a + b; }\n",
      "--json",
    ],
  },
  { name: "j-T-on-tools-list-unknown" },
  { name: "j-unknown-T" },
  { name: "j-unknown-T-two" },
  { name: "j-unknown-T-responses" },
  { name: "j-model-without-tools" },
  { name: "j-functions-file-not-found" },
  // llm logs of Python's database, and llm models.
  { name: "g-logs-n0", pythonDb: true },
  { name: "g-logs-n0-json", pythonDb: true },
  { name: "g-logs-short", pythonDb: true },
  {
    name: "g-logs-usage",
    pythonDb: true,
    differs: [{
      why: "-u also prints what each response cost (lib/pricing)",
      ours: (run) => void (run.stdout = run.stdout.replace(/\nCost: [^\n]*\n/g, "")),
    }],
  },
  { name: "g-logs-tools", pythonDb: true },
  { name: "g-logs-T-llm_version", pythonDb: true },
  { name: "g-logs-T-lookup-json", pythonDb: true },
  { name: "g-logs-T-unknown", pythonDb: true },
  { name: "h-models-json-m" },
  { name: "h-models-tools" },
  // --ta without a terminal (stdin closed, or piped): the terminal cases are the test after this table.
  { name: "ta-approve-no-stdin", differs: [approvalNeedsTerminal] },
  { name: "ta-approve-stdin-y", differs: [approvalNeedsTerminal] },
  // -c after a chain.
  { name: "k-chat-continue-after-tools", after: ["a-chat-stream-td"], differs: [version] },
  { name: "k-chat-continue-after-functions", after: ["b-chain-3-rounds-td"] },
  { name: "k-responses-continue-after-tools", after: ["d-responses-stream-td"], differs: [version] },
];

async function replayCase(c: Case): Promise<void> {
  await using t = await cliSetup();
  for (const [file, code] of Object.entries(FILES)) await Deno.writeTextFile(join(t.dir, file), code);
  const run = async (name: string, args: string[]): Promise<Run> => {
    const rec = recording(name);
    rec.interactions.forEach((_, index) =>
      t.server.enqueue({ kind: "recorded", file: join(PYTHON, `${name}.json`), index })
    );
    const before = t.server.requests.length;
    const result = await t.llm(args, { stdin: rec.stdin });
    const requests = t.server.requests.slice(before).map((r) => ({ path: r.path, body: r.body }));
    return { ...result, requests };
  };
  for (const name of c.after ?? []) await run(name, translated(recording(name).argv));
  const rec = recording(c.name);
  const args = c.args ?? translated(rec.argv);
  // Python's logs.db is read from a copy, so the fixture folder gets no -wal/-shm files.
  if (c.pythonDb) await Deno.copyFile(join(PYTHON, "logs.db"), join(t.dir, "python-logs.db"));
  const ours = await run(c.name, c.pythonDb ? [...args, "-d", join(t.dir, "python-logs.db")] : args);
  // The .py files of Python's run are our .ts files: that is translation, not a difference.
  const py = (text: string) => c.args ? text : text.replace(/\b(\w+)\.py\b/g, "$1.ts");
  const python: Run = {
    code: rec.exit_code,
    stdout: py(rec.stdout),
    stderr: py(rec.stderr),
    requests: rec.interactions.map((i) => ({ path: i.request.path, body: i.request.body })),
  };
  for (const side of [python, ours]) {
    varying(side);
    timeVaries(side);
    rowIds(side);
  }
  for (const difference of c.differs ?? []) {
    difference.python?.(python);
    difference.ours?.(ours);
  }
  assert.equal(ours.stderr, python.stderr, `${c.name}: stderr`);
  assert.equal(ours.stdout, python.stdout, `${c.name}: stdout`);
  assert.equal(ours.code, python.code, `${c.name}: exit code`);
  assert.equal(ours.requests.length, python.requests.length, `${c.name}: number of requests`);
  ours.requests.forEach((request, i) =>
    assert.deepEqual(request, python.requests[i], `${c.name}: request ${i}`)
  );
}

for (const c of CASES) {
  const why = c.differs?.map((d) => d.why).join("; ");
  Deno.test(`replay ${c.name}${why ? ` (differs on purpose: ${why})` : ""}`, () => replayCase(c));
}

// Recordings that cannot apply: Python code that does not compile or fails at import, and Python's own
// `typing.Optional` failure. Their TypeScript equivalents, with our one-line errors (Python printed a
// traceback for the import failures).
const TS_EQUIVALENTS: Record<string, string> = {
  // broken_funcs.py, `def broken(value: str) -> str` without its colon: here without its opening brace.
  "broken_funcs.ts": "function broken(value: string): string\n  return value;\n}\n",
  // runtime_error_funcs.py, `raise RuntimeError("module level failure")` when imported.
  "runtime_error_funcs.ts": 'throw new Error("module level failure");\n/** Never offered. */\n' +
    'function unreachable(): string { return "x"; }\n',
  // typing_import_funcs.py imports a name beside its function: an import is not a tool here either.
  "typing_import_funcs.ts": 'import { join } from "node:path";\n/** Greet someone. */\n' +
    'function greet(name: string | null = null): string { return join("hello", name ?? "world"); }\n',
};

Deno.test("the TypeScript equivalents of the --functions files Python could not load give one-line errors", async () => {
  await using t = await cliSetup();
  for (const [file, code] of Object.entries(TS_EQUIVALENTS)) {
    await Deno.writeTextFile(join(t.dir, file), code);
  }
  for (
    const [name, args, stderr] of [
      [
        "j-functions-syntax-error",
        ["-m", "4o-mini", "--functions", "broken_funcs.ts", "hi"],
        "Error: Error in --functions definition: Expression expected (broken_funcs.ts, line 3)\n",
      ],
      [
        "j-tools-list-functions-syntax-error",
        ["tools", "list", "--functions", "broken_funcs.ts"],
        "Error: Error in --functions definition: Expression expected (broken_funcs.ts, line 3)\n",
      ],
      [
        "j-functions-inline-syntax-error",
        ["-m", "4o-mini", "--functions", "function x(: {\n}", "hi"],
        "Error: Error in --functions definition: Unexpected token `:`. Expected yield, an identifier, [ or { (<string>, line 1)\n",
      ],
      [
        "j-functions-runtime-error",
        ["-m", "4o-mini", "--functions", "runtime_error_funcs.ts", "hi"],
        "Error: Error in --functions definition: module level failure (runtime_error_funcs.ts, line 1)\n",
      ],
    ] as const
  ) {
    const rec = recording(name);
    const result = await t.llm([...args]);
    // Python's error line, for the syntax errors, has the same shape: `Error in --functions definition: ...
    // (<string>, line 1)`.
    assert.deepEqual([result.code, result.stdout, result.stderr], [rec.exit_code, rec.stdout, stderr], name);
  }
  assert.equal(t.server.requests.length, 0, "nothing was sent");
  // j-functions-from-typing-import: Python 0.32 fails on `from typing import Optional` (it takes Optional for a
  // tool: a traceback, exit 1); an import beside the
  // function is no tool here, and the function gets the schema Python makes for `Optional[str] = None`.
  const listed = await t.llm(["tools", "list", "--functions", "typing_import_funcs.ts", "--json"]);
  assert.equal(listed.code, 0, listed.stderr);
  const tools = JSON.parse(listed.stdout).tools;
  assert.deepEqual(tools.map((tool: { name: string }) => tool.name), ["greet", "llm_time", "llm_version"]);
  assert.deepEqual(tools[0].arguments, {
    properties: { name: { anyOf: [{ type: "string" }, { type: "null" }], default: null } },
    type: "object",
  });
});

/** Runs `llm ARGS` in-process with a terminal for stdin/stdout/stderr holding `stdin`. */
async function onTerminal(args: string[], stdin: string) {
  const io = memoryIo({ terminal: true, stdin });
  const code = await main(args, io, { dotenv: false });
  // The spinner a terminal shows while waiting for the model, drawn and wiped.
  const stderr = io.stderrText().split("\r").filter((piece) => !/^\S $/.test(piece)).join("")
    .replaceAll("\u001b[2K", "");
  return { code, stdout: io.stdoutText(), stderr };
}

Deno.test("--ta on a terminal: y runs the call; n or an empty answer sends Python's 'Cancelled: ...' result and the chain goes on", async () => {
  await using server = await startOpenAIServer();
  await using _dir = await tempUserDir({
    OPENAI_BASE_URL: server.url,
    OPENAI_API_KEY: "sk-test",
    NO_COLOR: "1",
  });
  const file = join(PYTHON, "ta-approve-stdin-y.json");
  const rec = recording("ta-approve-stdin-y");
  const args = ["-m", "4o-mini", "-T", "llm_version", "What version?", "--ta"];
  for (const [answer, result] of [["y\n", VERSION], ["n\n", null], ["\n", null]] as const) {
    const before = server.requests.length;
    server.enqueue({ kind: "recorded", file, index: 0 }, { kind: "text", text: "Done." });
    const run = await onTerminal(args, answer);
    assert.equal(run.code, 0, run.stderr);
    // The question goes to stdout after the call is shown on stderr, as Python asks it.
    assert.equal(run.stderr, "Tool call: llm_version({})\n");
    assert.equal(run.stdout, "Approve tool call? [y/N]: Done.\n");
    const [first, second] = server.requests.slice(before).map((r) => r.body);
    // Unlike Python's piped run, a terminal's answer is not read as part of the prompt.
    assert.deepEqual(first.messages, [{ role: "user", content: "What version?" }]);
    assert.deepEqual(first.tools, (rec.interactions[0].request.body as { tools: unknown }).tools);
    assert.deepEqual(second.messages.at(-1), {
      role: "tool",
      tool_call_id: "call_fixture_t2",
      content: result ?? "Cancelled: User cancelled tool call",
    }, JSON.stringify(answer));
  }
});
