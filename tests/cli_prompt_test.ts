/**
 * End-to-end tests of `llm prompt` (the default command): the real CLI in a subprocess against the loopback
 * OpenAI server, with a temporary user directory. Each test checks several things per run to keep it fast.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { type OpenAIServer, startOpenAIServer } from "./support/openai_server.ts";
import { cliPath, runCli, type RunCliResult } from "./support/run_cli.ts";

/** A temporary user directory, a loopback server and the environment that points the CLI at both. */
interface Setup extends AsyncDisposable {
  dir: string;
  server: OpenAIServer;
  env: Record<string, string>;
  llm(args: string[], opts?: { env?: Record<string, string>; stdin?: string }): Promise<RunCliResult>;
}

async function setup(): Promise<Setup> {
  const dir = await Deno.makeTempDir({ prefix: "llm-cli-prompt-" });
  const server = await startOpenAIServer();
  const env = {
    LLM_USER_PATH: dir,
    OPENAI_BASE_URL: server.url,
    OPENAI_API_KEY: "sk-test",
    LLM_OPENAI_MAX_RETRIES: "0",
    LLM_MODEL: "",
  };
  return {
    dir,
    server,
    env,
    llm: (args, opts = {}) => runCli(args, { cwd: dir, stdin: opts.stdin, env: { ...env, ...opts.env } }),
    async [Symbol.asyncDispose]() {
      await server.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

function ok(result: RunCliResult): RunCliResult {
  assert.equal(result.code, 0, `exit ${result.code}, stderr: ${result.stderr}`);
  return result;
}

/** The single `Error: ...` line of a failed run, after checking the exit code. */
function failure(result: RunCliResult, code = 1): string {
  assert.equal(result.code, code, `expected exit ${code}, got ${result.code}; stdout: ${result.stdout}`);
  const lines = result.stderr.trimEnd().split("\n");
  const error = lines.find((l) => l.startsWith("Error: "));
  assert.ok(error, `no Error: line in ${JSON.stringify(result.stderr)}`);
  if (code === 1) assert.equal(lines.length, 1, `more than one line: ${result.stderr}`);
  return error;
}

function rows(dbPath: string, sql: string): Record<string, unknown>[] {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("prompt: -m id and alias, -q, LLM_MODEL, default_model.txt and -s choose what is sent", async () => {
  await using t = await setup();
  const { server } = t;
  assert.equal(ok(await t.llm(["-m", "gpt-4o-mini", "hi"])).stdout, "Echo: hi\n");
  assert.equal(server.requests[0].path, "/v1/chat/completions");
  assert.equal(server.requests[0].body.model, "gpt-4o-mini");

  ok(await t.llm(["prompt", "-m", "4o", "alias"]));
  assert.equal(server.requests[1].body.model, "gpt-4o");

  ok(await t.llm(["-q", "4O", "-q", "mini", "query"]));
  assert.equal(server.requests[2].body.model, "gpt-4o-mini");
  ok(await t.llm(["-q", "4.1", "query"]));
  assert.equal(server.requests.at(-1)!.body.model, "gpt-4.1", "the shortest of gpt-4.1, -mini and -nano");
  const noMatch = failure(await t.llm(["-q", "4o", "-q", "no-such-thing", "x"]));
  assert.match(noMatch, /No model found matching queries 4o, no-such-thing/);

  ok(await t.llm(["from env"], { env: { LLM_MODEL: "4o-mini" } }));
  assert.equal(server.requests.at(-1)!.body.model, "gpt-4o-mini");

  await Deno.writeTextFile(join(t.dir, "default_model.txt"), "gpt-4o\n");
  ok(await t.llm(["-s", "Be brief", "default"]));
  assert.equal(server.requests.at(-1)!.body.model, "gpt-4o");
  assert.deepEqual(server.requests.at(-1)!.body.messages, [
    { role: "system", content: "Be brief" },
    { role: "user", content: "default" },
  ]);
  assert.equal(server.requests.length, 6);
});

Deno.test("prompt: -o is validated and overrides model_options.json; --options shows them without a db", async () => {
  await using t = await setup();
  const { server } = t;
  await Deno.writeTextFile(
    join(t.dir, "model_options.json"),
    JSON.stringify({ "gpt-4o-mini": { temperature: "0.2", max_tokens: "50" } }),
  );
  ok(await t.llm(["-m", "4o-mini", "-o", "temperature", "0.7", "hi"]));
  assert.equal(server.requests[0].body.temperature, 0.7);
  assert.equal(server.requests[0].body.max_tokens, 50);

  const badName = failure(await t.llm(["-m", "4o-mini", "-o", "bogus", "1", "hi"]));
  assert.match(badName, /bogus/);
  const badValue = failure(await t.llm(["-m", "4o-mini", "-o", "temperature", "hot", "hi"]));
  assert.match(badValue, /temperature/);
  assert.equal(server.requests.length, 1);

  await Deno.remove(join(t.dir, "logs.db"));
  const shown = ok(await t.llm(["-m", "4o-mini", "--options"]));
  assert.match(shown.stdout, /^OpenAI Chat: gpt-4o-mini \(aliases: 4o-mini\)\n {2}Options:\n/);
  assert.match(shown.stdout, /\n {4}temperature: float\n/);
  assert.equal(await exists(join(t.dir, "logs.db")), false, "--options must not create logs.db");
  assert.equal(server.requests.length, 1);
});

Deno.test("prompt: streaming and --no-stream, stdin alone and stdin + argument", async () => {
  await using t = await setup();
  const { server } = t;
  const streamed = ok(await t.llm(["-m", "4o-mini", "one two"]));
  assert.equal(streamed.stdout, "Echo: one two\n");
  assert.equal(server.requests[0].body.stream, true);

  const whole = ok(await t.llm(["-m", "4o-mini", "--no-stream", "three"]));
  assert.equal(whole.stdout, "Echo: three\n");
  assert.notEqual(server.requests[1].body.stream, true);

  ok(await t.llm(["-m", "4o-mini"], { stdin: "from stdin" }));
  assert.deepEqual(server.requests[2].body.messages, [{ role: "user", content: "from stdin" }]);
  const joined = ok(await t.llm(["-m", "4o-mini", "and argument"], { stdin: "piped text" }));
  assert.deepEqual(server.requests[3].body.messages, [{ role: "user", content: "piped text and argument" }]);
  assert.equal(joined.stdout, "Echo: piped text and argument\n");
});

Deno.test("prompt: --key takes a literal key or a keys.json name; keys.json 'openai' beats nothing", async () => {
  await using t = await setup();
  const { server } = t;
  await Deno.writeTextFile(
    join(t.dir, "keys.json"),
    JSON.stringify({ "// Note": "x", mine: "sk-from-file", openai: "sk-openai-stored" }),
  );
  ok(await t.llm(["-m", "4o-mini", "--key", "sk-literal", "a"]));
  ok(await t.llm(["-m", "4o-mini", "--key", "mine", "b"]));
  ok(await t.llm(["-m", "4o-mini", "c"], { env: { OPENAI_API_KEY: "" } }));
  ok(await t.llm(["-m", "4o-mini", "d"]));
  assert.deepEqual(server.requests.map((r) => r.headers.authorization), [
    "Bearer sk-literal",
    "Bearer sk-from-file",
    "Bearer sk-openai-stored",
    "Bearer sk-openai-stored",
  ]);
});

Deno.test("prompt: -x and --xl print a fenced block (the full text when there is none); the log keeps all", async () => {
  await using t = await setup();
  const { server } = t;
  const text = "Here:\n```python\nprint(1)\n```\nand\n````js\nlet x = 1;\n````\ndone";
  server.enqueue({ kind: "text", text }, { kind: "text", text }, { kind: "text", text: "no code here" });
  // The block keeps its last newline and print() adds one, as in Python llm.
  assert.equal(ok(await t.llm(["-m", "4o-mini", "-x", "a"])).stdout, "print(1)\n\n");
  assert.equal(ok(await t.llm(["-m", "4o-mini", "--xl", "b"])).stdout, "let x = 1;\n\n");
  assert.equal(ok(await t.llm(["-m", "4o-mini", "--extract", "c"])).stdout, "no code here\n");
  assert.equal(server.requests[0].body.stream, false, "-x does not stream");
  const logged = rows(join(t.dir, "logs.db"), "select response from turn_search order by id");
  assert.deepEqual(logged.map((r) => r.response), [text, text, "no code here"]);
});

Deno.test("prompt: -u writes the token usage and cost lines to stderr only", async () => {
  await using t = await setup();
  t.server.enqueue({ kind: "text", text: "Counted answer", usage: { input: 1234, output: 56 } });
  const result = ok(await t.llm(["-m", "4o-mini", "-u", "count"]));
  assert.equal(result.stdout, "Counted answer\n");
  // gpt-4o-mini: 1,234 x $0.15 + 56 x $0.60 per million tokens (lib/pricing/prices.json).
  assert.equal(
    result.stderr,
    "Token usage: 1,234 input, 56 output\nCost: $0.000219 (prices of 2024-10-01)\n",
  );
});

Deno.test("prompt: --json prints the llm logs --json rows, alone on stdout, with and without -n", async () => {
  await using t = await setup();
  const logged = ok(await t.llm(["-m", "4o-mini", "--json", "json please"]));
  const parsed = JSON.parse(logged.stdout);
  assert.equal(parsed.length, 1);
  assert.equal(parsed[0].prompt, "json please");
  assert.equal(parsed[0].response, "Echo: json please");
  const fromLogs = ok(await t.llm(["logs", "--json", "-n", "1"]));
  assert.equal(logged.stdout, fromLogs.stdout, "llm prompt --json and llm logs --json print the same");
  assert.ok(logged.stdout.endsWith("]\n") && !logged.stdout.endsWith("\n\n"));

  const unlogged = ok(await t.llm(["-m", "4o-mini", "--json", "-n", "not logged"]));
  const row = JSON.parse(unlogged.stdout)[0];
  assert.equal(row.response, "Echo: not logged");
  assert.equal(row.conversation_name, "not logged");
  assert.deepEqual(Object.keys(row), Object.keys(parsed[0]));
  assert.equal(rows(join(t.dir, "logs.db"), "select count(*) as n from turns")[0].n, 1);
});

Deno.test("prompt: -n, llm logs off, --log and --log -n decide what is logged; -d picks the database", async () => {
  await using t = await setup();
  const db = join(t.dir, "logs.db");
  ok(await t.llm(["-m", "4o-mini", "-n", "skipped"]));
  // Unlike Python llm 0.32, -n never touches logs.db (so a logs.db that cannot be read never blocks it).
  assert.ok(!(await exists(db)), "the database is not created with -n");
  ok(await t.llm(["logs", "off"]));
  ok(await t.llm(["-m", "4o-mini", "off and skipped"]));
  ok(await t.llm(["-m", "4o-mini", "--log", "forced"]));
  const both = failure(await t.llm(["-m", "4o-mini", "--log", "-n", "x"]));
  assert.equal(both, "Error: --log and --no-log are mutually exclusive");
  ok(await t.llm(["logs", "on"]));
  const custom = join(t.dir, "custom", "other.db");
  await Deno.mkdir(join(t.dir, "custom"));
  ok(await t.llm(["-m", "4o-mini", "-d", custom, "elsewhere"]));
  assert.deepEqual(rows(db, "select prompt from turn_search").map((r) => r.prompt), ["forced"]);
  assert.deepEqual(rows(custom, "select prompt from turn_search").map((r) => r.prompt), ["elsewhere"]);
});

Deno.test("prompt: -c and --cid send the logged history with the conversation's model", async () => {
  await using t = await setup();
  const { server } = t;
  const none = failure(await t.llm(["-c", "nothing yet"]));
  assert.match(none, /No conversation found/);
  ok(await t.llm(["-m", "4o-mini", "-s", "Sys", "first"]));
  ok(await t.llm(["-m", "4o", "other conversation"]));
  const cid = rows(join(t.dir, "logs.db"), "select thread_id from turns order by id")[0].thread_id as string;
  ok(await t.llm(["--cid", cid, "second"]));
  const second = server.requests.at(-1)!.body;
  assert.equal(second.model, "gpt-4o-mini");
  assert.deepEqual(second.messages, [
    { role: "system", content: "Sys" },
    { role: "user", content: "first" },
    { role: "assistant", content: "Echo: first" },
    { role: "user", content: "second" },
  ]);
  // -c takes the most recently created conversation (the highest id), not the most recently used one.
  ok(await t.llm(["-c", "third"]));
  const third = server.requests.at(-1)!.body;
  assert.equal(third.model, "gpt-4o");
  assert.deepEqual(third.messages, [
    { role: "user", content: "other conversation" },
    { role: "assistant", content: "Echo: other conversation" },
    { role: "user", content: "third" },
  ]);
  const unknown = failure(await t.llm(["--cid", "01nosuchconversation", "x"]));
  assert.match(unknown, /No conversation found with id=01nosuchconversation/);
  const threads = rows(
    join(t.dir, "logs.db"),
    "select thread_id, count(*) as n from turns group by thread_id",
  );
  assert.deepEqual(threads.map((r) => r.n).sort(), [2, 2]);
});

Deno.test("prompt: unknown model, missing key, unsupported flags and HTTP errors are one-line errors", async () => {
  await using t = await setup();
  const { server } = t;
  const unknown = failure(await t.llm(["-m", "gpt-4x", "hi"]));
  assert.match(unknown, /'gpt-4x'/);
  assert.match(unknown, /gpt-4o/, "suggests close names");
  const noKey = failure(await t.llm(["-m", "4o-mini", "hi"], { env: { OPENAI_API_KEY: "" } }));
  assert.match(noKey, /llm keys set openai/);
  assert.match(noKey, /OPENAI_API_KEY/);
  const attachment = failure(await t.llm(["-m", "4o-mini", "-a", "photo.png", "hi"]), 2);
  assert.equal(attachment, "Error: Invalid value for '-a' / '--attachment': File photo.png does not exist");
  assert.equal(server.requests.length, 0);

  server.enqueue({ kind: "status", status: 401 }, { kind: "status", status: 429 }, {
    kind: "status",
    status: 500,
  });
  const e401 = failure(await t.llm(["-m", "4o-mini", "a"]));
  assert.match(e401, /Incorrect API key/);
  const e429 = failure(await t.llm(["-m", "4o-mini", "b"]));
  assert.match(e429, /Rate limit/);
  const e500 = failure(await t.llm(["-m", "4o-mini", "c"]));
  assert.match(e500, /500|server had an error/);
  for (const r of [e401, e429, e500]) assert.doesNotMatch(r, /\n/);
  assert.equal(
    rows(join(t.dir, "logs.db"), "select count(*) as n from turns")[0].n,
    0,
    "failures not logged",
  );
});

Deno.test("prompt: connection refused names the URL", async () => {
  await using t = await setup();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const refused = failure(
    await t.llm(["-m", "4o-mini", "hi"], { env: { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` } }),
  );
  assert.match(refused, new RegExp(`127\\.0\\.0\\.1:${port}`));
});

Deno.test("prompt: a stream dropped midway keeps the text on stdout, exits 1 and logs the partial turn", async () => {
  await using t = await setup();
  t.server.enqueue({ kind: "drop", chunks: ["Partial ", "answer"] });
  const result = await t.llm(["-m", "4o-mini", "cut"]);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "Partial answer\n");
  assert.match(result.stderr, /^Error: .+\n$/);
  const [turn] = rows(
    join(t.dir, "logs.db"),
    "select s.response, t.response_json from turns t join turn_search s on s.turn_id = t.id",
  );
  assert.equal(turn.response, "Partial answer");
  assert.ok(JSON.parse(turn.response_json as string).llm_interrupted.reason);
});

Deno.test("prompt: streamed chunks reach stdout before the server sends the last one", async () => {
  await using t = await setup();
  t.server.enqueue({ kind: "slow", chunks: ["first ", "second ", "third"], delayMs: 400 });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cliPath, "-m", "4o-mini", "slow"],
    env: { NO_COLOR: "1", ...t.env },
    cwd: t.dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const started = Date.now();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("first")) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  const firstAt = Date.now() - started;
  assert.ok(seen.startsWith("first"), `got ${JSON.stringify(seen)}`);
  assert.ok(!seen.includes("third"), "the first chunk arrived on its own");
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  const allAt = Date.now() - started;
  await child.stderr.cancel();
  assert.equal((await child.status).code, 0);
  assert.equal(seen, "first second third\n");
  assert.ok(allAt - firstAt >= 600, `first chunk at ${firstAt} ms, the rest at ${allAt} ms`);
});
