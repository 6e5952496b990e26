/**
 * Tools from the command line (-T, --functions, --td, --ta, --cl, llm tools list, llm logs of tool turns), run
 * as a subprocess against the loopback server replaying what Python llm 0.32 was answered, and compared with
 * what Python printed for the same commands (tests/fixtures/python-llm-0.32/tools/).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { installPlugin } from "../lib/plugins/install.ts";
import { toolSignature } from "../lib/cli/commands/tools/run.ts";
import { VERSION } from "../lib/version.ts";
import { tempUserDir } from "./support/env.ts";
import { cliSetup, rows } from "./support/cli_setup.ts";

const PYTHON = new URL("./fixtures/python-llm-0.32/tools/", import.meta.url).pathname;

interface Recording {
  stdout: string;
  stderr: string;
  exit_code: number;
  interactions: { request: { body: Record<string, unknown> } }[];
}

async function recording(name: string): Promise<Recording> {
  return JSON.parse(await Deno.readTextFile(join(PYTHON, `${name}.json`)));
}

const CHAIN_FUNCTIONS = `/** Multiply two integers. */
function multiply(a: integer, b: integer) { return a * b; }
/** Look up a value by key. */
function lookup(key: string) {
  return ({ start: "next key is middle", middle: "next key is end", end: "the answer is 42" })[key] ?? "unknown key";
}
`;

async function setup() {
  const t = await cliSetup();
  const replay = async (name: string) => {
    const rec = await recording(name);
    rec.interactions.forEach((_, index) =>
      t.server.enqueue({ kind: "recorded", file: join(PYTHON, `${name}.json`), index })
    );
    return rec;
  };
  await Deno.writeTextFile(join(t.dir, "chain_funcs.ts"), CHAIN_FUNCTIONS);
  await Deno.writeTextFile(
    join(t.dir, "raise_funcs.ts"),
    "/** Always raises an exception. */\nfunction explode(reason: string) { throw new Error(`Tool exploded: ${reason}`); }\n",
  );
  return Object.assign(t, { replay });
}

/** Python printed llm_version's answer as 0.32; ours is this version. */
const ours = (text: string) => text.replaceAll("  0.32\n", `  ${VERSION}\n`);

Deno.test("-T with --td: the calls and results on stderr as Python prints them, the answer on stdout", async () => {
  await using t = await setup();
  for (
    const [name, args] of [
      ["a-chat-stream-td", ["-m", "4o-mini", "-T", "llm_version", "-T", "llm_time", "What version?", "--td"]],
      ["a-chat-no-stream-td", [
        "-m",
        "4o-mini",
        "-T",
        "llm_version",
        "-T",
        "llm_time",
        "What version?",
        "--td",
        "--no-stream",
      ]],
      ["b-chain-3-rounds-td", [
        "-m",
        "4o-mini",
        "--functions",
        "chain_funcs.ts",
        "Follow the keys from start",
        "--td",
      ]],
      ["c-tool-raises-td", ["-m", "4o-mini", "--functions", "raise_funcs.ts", "Try the tool", "--td"]],
      ["j-model-calls-unknown-tool-td", ["-m", "4o-mini", "-T", "llm_version", "Call something", "--td"]],
    ] as const
  ) {
    const rec = await t.replay(name);
    const before = t.server.requests.length;
    const result = await t.llm([...args]);
    assert.equal(result.code, 0, `${name}: ${result.stderr}`);
    assert.equal(result.stdout, rec.stdout, name);
    assert.equal(result.stderr, ours(rec.stderr), name);
    const sent = t.server.requests.slice(before);
    assert.equal(sent.length, rec.interactions.length, name);
    // Each round resends the history with the tool calls and their results, as Python did.
    const roles = (body: Record<string, unknown>) =>
      (body.messages as { role: string; tool_calls?: unknown[] }[]).map((m) =>
        m.tool_calls ? "calls" : m.role
      );
    sent.forEach((request, i) =>
      assert.deepEqual(roles(request.body), roles(rec.interactions[i].request.body), `${name} ${i}`)
    );
  }
  // Each round is a turn of its own; llm logs reads them back.
  const db = join(t.dir, "logs.db");
  const turns = rows(db, "select count(*) as n from turns")[0].n;
  assert.equal(turns, 2 + 2 + 4 + 2 + 2);
  const logs = await t.llm(["logs", "-n", "1"]);
  assert.match(
    logs.stdout,
    /### Tool results\n\n- \*\*not_a_tool\*\*: `call_fixture_n1` {2}\n {4}```\n {4}Error: tool "not_a_tool" does not exist/,
  );
});

Deno.test("--cl: the rounds within the limit are kept and logged, then the error; --cl 0 has no limit", async () => {
  await using t = await setup();
  await t.replay("b-chain-limit-2-of-3");
  const limited = await t.llm([
    "-m",
    "4o-mini",
    "--functions",
    "chain_funcs.ts",
    "Follow the keys from start",
    "--cl",
    "2",
  ]);
  assert.equal(limited.code, 1);
  assert.match(limited.stderr, /^Error: Chain limit of 2 exceeded/m);
  assert.equal(
    rows(join(t.dir, "logs.db"), "select count(*) as n from turns")[0].n,
    2,
    "nothing done is lost",
  );
  const rec = await t.replay("b-chain-limit-0-unlimited");
  const unlimited = await t.llm([
    "-m",
    "4o-mini",
    "--functions",
    "chain_funcs.ts",
    "Follow the keys from start",
    "--cl",
    "0",
  ]);
  assert.equal(unlimited.code, 0, unlimited.stderr);
  assert.equal(unlimited.stdout, rec.stdout);
  // Unlike Python 0.32, --cl 1 allows an answer without tool calls.
  await t.replay("b-chain-limit-1-text-only");
  const text = await t.llm(["-m", "4o-mini", "-T", "llm_version", "Just say hi", "--cl", "1"]);
  assert.deepEqual([text.code, text.stdout], [0, "Hi.\n"]);
});

Deno.test("bad tool input: unknown -T names, a model without tools, --ta without a terminal, broken --functions", async () => {
  await using t = await setup();
  for (
    const [name, args] of [
      ["j-unknown-T", ["-m", "4o-mini", "-T", "nope", "hi"]],
      ["j-unknown-T-two", ["-m", "4o-mini", "-T", "nope", "-T", "llm_version", "-T", "other", "hi"]],
      ["j-model-without-tools", ["-m", "3.5", "-T", "llm_version", "hi"]],
    ] as const
  ) {
    const rec = await recording(name);
    const result = await t.llm([...args]);
    assert.deepEqual([result.code, result.stderr], [rec.exit_code, rec.stderr], name);
  }
  const approve = await t.llm(["-m", "4o-mini", "-T", "llm_version", "What version?", "--ta"]);
  assert.equal(approve.code, 1);
  assert.match(
    approve.stderr,
    /^Error: --ta\/--tools-approve asks before each tool call, and needs a terminal/,
  );
  const missing = await t.llm(["-m", "4o-mini", "--functions", "missing.ts", "hi"]);
  assert.deepEqual([missing.code, missing.stderr], [1, "Error: File not found: missing.ts\n"]);
  const broken = await t.llm(["-m", "4o-mini", "--functions", "function x(: { }", "hi"]);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /^Error: Error in --functions definition: /);
  assert.equal(t.server.requests.length, 0, "nothing was sent for any of them");
});

Deno.test("-c after a tool turn resends the calls and results; llm logs reads Python's tool turns as Python does", async () => {
  await using t = await setup();
  await t.replay("a-chat-stream-td");
  await t.llm(["-m", "4o-mini", "-T", "llm_version", "-T", "llm_time", "What version?"]);
  const rec = await t.replay("k-chat-continue-after-tools");
  const before = t.server.requests.length;
  assert.equal((await t.llm(["-c", "And what is it called?"])).code, 0);
  const sent = t.server.requests[before].body.messages as { role: string; content?: string }[];
  const expected = rec.interactions[0].request.body.messages as { role: string }[];
  assert.deepEqual(sent.map((m) => m.role), expected.map((m) => m.role));
  assert.equal(sent[2].content, VERSION, "the tool result went back");
  for (
    const [name, args] of [
      ["g-logs-n0", ["logs", "-n", "0"]],
      ["g-logs-n0-json", ["logs", "-n", "0", "--json"]],
      ["g-logs-tools", ["logs", "--tools", "-n", "0"]],
      ["g-logs-T-llm_version", ["logs", "-T", "llm_version", "-n", "0"]],
    ] as const
  ) {
    const result = await t.llm([...args, "-d", join(PYTHON, "logs.db")]);
    assert.equal(result.stdout, (await recording(name)).stdout, name);
  }
});

async function llm(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const code = await main(args, io, { dotenv: false });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

Deno.test("llm tools list: built-in, plugin and --functions tools, and -m's server-side tools, as Python prints them", async () => {
  await using _dir = await tempUserDir();
  for (
    const [name, args] of [["f-tools", ["tools"]], ["f-tools-list-json", ["tools", "list", "--json"]], [
      "f-tools-list-m-chat-json",
      ["tools", "list", "-m", "4o-mini", "--json"],
    ]] as const
  ) {
    assert.equal((await llm(...args)).stdout, (await recording(name)).stdout, name);
  }
  const responses = JSON.parse((await llm("tools", "list", "-m", "gpt-5.6-luna", "--json")).stdout);
  assert.deepEqual(responses.server_side_tools.map((t: { name: string }) => t.name), [
    "WebSearch",
    "CodeInterpreter",
    "ServerSideTool",
  ]);
  const functions = JSON.parse(
    (await llm("tools", "list", "--functions", "function add(a: number, b = 2) { return a + b }", "--json"))
      .stdout,
  );
  assert.deepEqual(functions.tools.map((t: { name: string }) => t.name), ["add", "llm_time", "llm_version"]);
  assert.deepEqual(functions.tools[0].arguments, {
    properties: { a: { type: "number" }, b: { default: 2, type: "number" } },
    required: ["a"],
    type: "object",
  });
  await installPlugin(fileURLToPath(new URL("./fixtures/plugins/shout/plugin.ts", import.meta.url)));
  const plain = await llm("tools", "list");
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /\nshout_tool\(\) \(plugin: llm-shout\)\n\n {2}Upper-cases text\n\n/);
  const unknown = await llm("tools", "-m", "no-such-model");
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^Error: Unknown model 'no-such-model'/);
  const missing = await llm("tools", "list", "nope");
  assert.deepEqual([missing.code, missing.stderr], [
    1,
    "Error: Tool(s) nope not found. Available tools: llm_version, llm_time, shout_tool\n",
  ]);
});

Deno.test("toolSignature names JSON Schema types as Python does", () => {
  assert.equal(
    toolSignature({ type: "object", properties: { a: { type: "string" }, b: { type: "integer" }, c: {} } }),
    "a: str, b: int, c: any",
  );
  assert.equal(toolSignature(undefined), "");
});

Deno.test("server-side tools: -T WebSearch and friends sent as Python sent them; their calls logged, never run", async () => {
  await using t = await setup();
  for (
    const [name, args] of [
      ["e-websearch", ["-T", "WebSearch", "Latest llm version?"]],
      ["e-websearch-configured", [
        "-T",
        'WebSearch(allowed_domains=["pypi.org"], blocked_domains=["example.com"], user_location={"country": "GB", "city": "London"}, search_context_size="low", external_web_access=false, return_token_budget="unlimited", search_content_types=["text", "image"], image_settings={"max_results": 2, "caption": true}, include_sources=true, include_results=true)',
        "Latest llm version?",
      ]],
      ["e-code-interpreter-configured", [
        "-T",
        'CodeInterpreter(memory_limit="4g", file_ids=["file-fixture1"])',
        "Compute",
      ]],
      ["e-server-side-tool-raw-spec", [
        "-T",
        'ServerSideTool(spec={"type": "image_generation", "quality": "low"})',
        "Draw",
      ]],
      ["e-websearch-spec-positional-json-object", ["-T", 'WebSearch({"search_context_size": "high"})', "x"]],
      ["e-websearch-with-function-tool", ["-T", "WebSearch", "-T", "llm_version", "Search and version"]],
    ] as const
  ) {
    const rec = await t.replay(name);
    const before = t.server.requests.length;
    const result = await t.llm([...args]);
    assert.equal(result.code, 0, `${name}: ${result.stderr}`);
    assert.equal(result.stdout, rec.stdout, name);
    const body = t.server.requests[before].body;
    assert.deepEqual(body.tools, rec.interactions[0].request.body.tools, name);
    assert.deepEqual(body.include, rec.interactions[0].request.body.include, name);
  }
  const parts = rows(
    join(t.dir, "logs.db"),
    "select type, tool_name, payload from parts where tool_name = 'web_search' order by id limit 2",
  );
  assert.deepEqual(parts.map((p) => [p.type, JSON.parse(String(p.payload)).server_executed]), [
    ["tool_call", true],
    ["tool_result", true],
  ]);
  assert.equal(JSON.parse(String(parts[0].payload)).arguments.query, "llm python package latest version");
  const instances = rows(
    join(t.dir, "logs.db"),
    "select name, arguments from tool_instances order by id limit 1",
  );
  assert.deepEqual(JSON.parse(String(instances[0].arguments)), {
    allowed_domains: null,
    blocked_domains: null,
    user_location: null,
    search_context_size: null,
    external_web_access: null,
    return_token_budget: null,
    search_content_types: null,
    image_settings: null,
    include_sources: false,
    include_results: false,
  });
  // A bad setting or a tool the model does not have is refused before anything is sent.
  const sent = t.server.requests.length;
  const bad = await t.llm(["-T", 'WebSearch(search_context_size="huge")', "x"]);
  assert.deepEqual([bad.code, bad.stderr], [
    1,
    "Error: WebSearch: search_context_size must be one of: low, medium or high\n",
  ]);
  const notJson = await t.llm(["-T", "WebSearch(include_sources=True)", "x"]);
  assert.match(notJson.stderr, /^Error: Value for 'include_sources' is not valid JSON: True/);
  const chat = await t.llm(["-m", "4o-mini", "-T", "WebSearch", "x"]);
  assert.equal(chat.stderr, (await recording("e-websearch-on-chat-model")).stderr);
  assert.equal(t.server.requests.length, sent);
});

Deno.test("templates carry tools: and functions: (--save writes them; a file's code, not its path); Python code is named", async () => {
  await using t = await setup();
  await t.replay("b-chain-3-rounds-td");
  const saved = await t.llm([
    "-m",
    "4o-mini",
    "-T",
    "llm_version",
    "--functions",
    "chain_funcs.ts",
    "--save",
    "keys",
  ]);
  assert.equal(saved.code, 0, saved.stderr);
  const yaml = await Deno.readTextFile(join(t.dir, "templates", "keys.yaml"));
  assert.match(yaml, /^model: gpt-4o-mini\nfunctions: "\/\*\* Multiply two integers\. \*\//);
  assert.match(yaml, /\ntools:\n- llm_version\n$/);
  const result = await t.llm(["-t", "keys", "Follow the keys from start"]);
  assert.equal(result.code, 0, result.stderr);
  const rec = await recording("b-chain-3-rounds-td");
  assert.equal(result.stdout, rec.stdout);
  const names = (t.server.requests[0].body.tools as { function: { name: string } }[]).map((x) =>
    x.function.name
  );
  // Functions first, then named tools, as Python llm orders them (d-responses-no-stream-td).
  assert.deepEqual(names, ["multiply", "lookup", "llm_version"]);
  // A template written for Python llm: its functions are Python, which llm for Deno names instead of failing
  // with a compiler error.
  await Deno.writeTextFile(
    join(t.dir, "templates", "py.yaml"),
    "functions: |\n  def add(a: int, b: int) -> int:\n      return a + b\n",
  );
  const python = await t.llm(["-m", "4o-mini", "-t", "py", "hi"]);
  assert.equal(python.code, 1);
  assert.match(python.stderr, /^Error: The --functions code is Python code; llm for Deno runs TypeScript/);
  assert.equal(t.server.requests.length, 4, "nothing sent for the Python template");
});
