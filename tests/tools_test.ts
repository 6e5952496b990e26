/**
 * Tools in the library: defineTool (JSON Schema or zod), Toolbox, running tool calls (concurrently, in order,
 * with errors, timeouts and refusals as results), the built-in tools, and chains against the loopback server
 * replaying what Python llm 0.32 was sent and answered (tests/fixtures/python-llm-0.32/tools/).
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import {
  CancelToolCall,
  ChainLimitError,
  defineTool,
  executeToolCalls,
  getModel,
  llmTime,
  llmVersion,
  LogStore,
  Toolbox,
} from "../mod.ts";
import { toolHash } from "../lib/logs/store.ts";
import { tempUserDir } from "./support/env.ts";
import { startOpenAIServer } from "./support/openai_server.ts";

const PYTHON = new URL("./fixtures/python-llm-0.32/tools/", import.meta.url).pathname;

const multiply = defineTool({
  name: "multiply",
  description: "Multiply two integers.",
  inputSchema: {
    properties: { a: { type: "integer" }, b: { type: "integer" } },
    required: ["a", "b"],
    type: "object",
  },
  implementation: ({ a, b }) => Number(a) * Number(b),
});

const lookup = defineTool({
  name: "lookup",
  description: "Look up a value by key.",
  inputSchema: { properties: { key: { type: "string" } }, required: ["key"], type: "object" },
  implementation: ({ key }) =>
    ({ start: "next key is middle", middle: "next key is end", end: "the answer is 42" })[String(key)] ??
      "unknown key",
});

Deno.test("tool hashes are Python's: the same rows of logs.db's tools table in both tools", async () => {
  // Read from a copy: a read-only connection to this WAL database leaves -wal/-shm files in the fixture folder.
  const dir = await Deno.makeTempDir({ prefix: "llm-tools-" });
  await Deno.copyFile(join(PYTHON, "logs.db"), join(dir, "logs.db"));
  const db = new DatabaseSync(join(dir, "logs.db"), { readOnly: true });
  const rows = db.prepare("SELECT hash, name FROM tools").all() as { hash: string; name: string }[];
  db.close();
  await Deno.remove(dir, { recursive: true });
  const python = new Map(rows.map((r) => [r.name, r.hash]));
  for (const tool of [llmVersion, llmTime, multiply, lookup]) {
    const hash = toolHash({
      name: tool.name,
      description: tool.description ?? null,
      inputSchema: tool.inputSchema,
      plugin: tool.plugin,
    });
    assert.equal(hash, python.get(tool.name), tool.name);
  }
});

Deno.test("llm_time has the fields of Python's; llm_version gives this version", async () => {
  const time = await llmTime.implementation({}, {
    call: { name: "llm_time", arguments: {} },
    signal: new AbortController().signal,
  }) as Record<string, unknown>;
  assert.deepEqual(Object.keys(time), [
    "utc_time",
    "utc_time_iso",
    "local_timezone",
    "local_time",
    "timezone_offset",
    "is_dst",
  ]);
  assert.match(String(time.utc_time), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  assert.match(String(time.utc_time_iso), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
  assert.match(String(time.timezone_offset), /^UTC[+-]\d\d:\d\d$/);
  const { VERSION } = await import("../lib/version.ts");
  assert.equal(
    await llmVersion.implementation({}, {
      call: { name: "llm_version", arguments: {} },
      signal: new AbortController().signal,
    }),
    VERSION,
  );
});

Deno.test("defineTool: arguments checked against the JSON Schema or the zod schema; names a model accepts", async () => {
  assert.equal(multiply.check?.({ a: 2, b: 3 }), undefined);
  assert.equal(multiply.check?.({ a: "3", b: 4 }), 'a must be integer, not string "3"');
  assert.equal(multiply.check?.({ a: 3 }), "b is required");
  const { z } = await import("npm:zod@^4.1");
  const greet = defineTool({
    name: "greet",
    description: "Greet someone",
    schema: z.object({ name: z.string(), times: z.number().int().optional() }),
    implementation: ({ name, times }) => `hi ${name}`.repeat(times ?? 1),
  });
  assert.equal((greet.inputSchema as { type: string }).type, "object");
  assert.deepEqual((greet.inputSchema as { required: string[] }).required, ["name"]);
  assert.ok(!("$schema" in greet.inputSchema));
  assert.equal(greet.check?.({ name: "Ann" }), undefined);
  assert.match(greet.check?.({ name: 3 }) ?? "", /^name: /);
  assert.throws(() => defineTool({ name: "not ok", implementation: () => 1 }), /cannot be used/);
  assert.deepEqual(defineTool({ name: "none", implementation: () => 1 }).inputSchema, {
    properties: {},
    type: "object",
  });
});

Deno.test("executeToolCalls: all at once, results in the calls' order; errors, bad arguments, unknown tools", async () => {
  const started: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const slow = (name: string) =>
    defineTool({
      name,
      implementation: async () => {
        started.push(name);
        if (started.length === 2) release();
        await gate; // each waits until both have started: they ran concurrently
        return { name, list: [1, 2.5, null] };
      },
    });
  const boom = defineTool({
    name: "boom",
    implementation: () => {
      throw new TypeError("it broke");
    },
  });
  const results = await executeToolCalls([
    { name: "first", arguments: {}, toolCallId: "c1" },
    { name: "second", arguments: {}, toolCallId: "c2" },
    { name: "boom", arguments: {}, toolCallId: "c3" },
    { name: "nope", arguments: {}, toolCallId: "c4" },
    { name: "multiply", arguments: { _raw: '{"a": 3, "b": ' }, toolCallId: "c5" },
    { name: "multiply", arguments: { a: "3", b: 4 }, toolCallId: "c6" },
    { name: "multiply", arguments: { a: 6, b: 7 }, toolCallId: "c7" },
  ], [slow("first"), slow("second"), boom, multiply]);
  assert.deepEqual(results.map((r) => r.toolCallId), ["c1", "c2", "c3", "c4", "c5", "c6", "c7"]);
  // Python's json.dumps of what the tool returned: spaces after : and , and 2.5 as written.
  assert.equal(results[0].output, '{"name": "first", "list": [1, 2.5, null]}');
  assert.deepEqual([results[2].output, results[2].exception], ["Error: it broke", "TypeError: it broke"]);
  assert.deepEqual([results[3].output, results[3].exception], [
    'Error: tool "nope" does not exist',
    `KeyError: 'tool "nope" does not exist'`,
  ]);
  assert.match(results[4].output, /^Error: the arguments were not valid JSON/);
  assert.equal(results[5].output, 'Error: invalid arguments for multiply: a must be integer, not string "3"');
  assert.equal(results[6].output, "42");
});

Deno.test("executeToolCalls: a hanging tool times out; beforeCall refuses, afterCall sees each result", async () => {
  const hang = defineTool({
    name: "hang",
    implementation: (_args, { signal }) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
  });
  const seen: string[] = [];
  const results = await executeToolCalls(
    [{ name: "hang", arguments: {} }, { name: "multiply", arguments: { a: 1, b: 2 } }, {
      name: "multiply",
      arguments: { a: 2, b: 2 },
    }],
    [hang, multiply],
    {
      timeoutMs: 50,
      beforeCall: (_tool, call) => {
        if (call.arguments.a === 2) throw new CancelToolCall("not that one");
      },
      afterCall: (tool, _call, result) => void seen.push(`${tool.name}=${result.output}`),
    },
  );
  assert.equal(results[0].output, "Error: the tool did not finish within 0.05 s");
  assert.equal(results[0].exception, "TimeoutError: the tool did not finish within 0.05 s");
  assert.equal(results[1].output, "2");
  assert.equal(results[2].output, "Cancelled: not that one");
  assert.deepEqual(seen.sort(), ["hang=Error: the tool did not finish within 0.05 s", "multiply=2"]);
});

Deno.test("Toolbox: methods are tools named Class_method, with shared state, prepared once, config kept", async () => {
  class Memory extends Toolbox {
    static override methods = {
      remember: {
        description: "Remember a fact",
        inputSchema: { properties: { fact: { type: "string" } }, required: ["fact"], type: "object" },
      },
      recall: { description: "Everything remembered" },
    };
    facts: string[] = [];
    prepared = 0;
    override prepare() {
      this.prepared++;
    }
    remember({ fact }: { fact: string }) {
      this.facts.push(fact);
      return "ok";
    }
    recall() {
      return this.facts;
    }
  }
  const box = new Memory({ path: "/tmp/x" });
  const tools = box.tools();
  assert.deepEqual(tools.map((t) => t.name), ["Memory_remember", "Memory_recall"]);
  assert.deepEqual(tools[0].instance, { name: "Memory", config: { path: "/tmp/x" } });
  const results = await executeToolCalls([
    { name: "Memory_remember", arguments: { fact: "pelicans fish" } },
    { name: "Memory_remember", arguments: {} },
  ], tools);
  assert.equal(results[1].output, "Error: invalid arguments for Memory_remember: fact is required");
  assert.equal(
    (await executeToolCalls([{ name: "Memory_recall", arguments: {} }], tools))[0].output,
    '["pelicans fish"]',
  );
  assert.equal(box.prepared, 1);
});

async function replaying(file: string) {
  const server = await startOpenAIServer();
  const recording = JSON.parse(await Deno.readTextFile(join(PYTHON, `${file}.json`)));
  recording.interactions.forEach((_: unknown, index: number) =>
    server.enqueue({ kind: "recorded", file: join(PYTHON, `${file}.json`), index })
  );
  const dir = await tempUserDir({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: server.url });
  return {
    server,
    recording,
    dir,
    async [Symbol.asyncDispose]() {
      await dir[Symbol.asyncDispose]();
      await server[Symbol.asyncDispose]();
    },
  };
}

Deno.test("a chain of three tool rounds sends what Python llm sent, streams the answer, and logs four turns", async () => {
  await using t = await replaying("b-chain-3-rounds-td");
  const chain = getModel("4o-mini").chain("Follow the keys from start", { tools: [multiply, lookup] });
  assert.equal(await chain.text(), "The answer is 42.");
  const responses = chain.responsesSoFar();
  assert.equal(responses.length, 4);
  assert.equal(t.server.requests.length, 4);
  t.recording.interactions.forEach(
    (interaction: { request: { body: Record<string, unknown> } }, i: number) => {
      assert.deepEqual(
        t.server.requests[i].body.messages,
        interaction.request.body.messages,
        `round ${i + 1}`,
      );
      assert.deepEqual(t.server.requests[i].body.tools, interaction.request.body.tools, `round ${i + 1}`);
    },
  );
  const store = LogStore.open(join(t.dir.path, "logs.db"));
  for (const response of responses) await store.log(response);
  const turns = store.db.prepare("SELECT thread_id FROM turns").all() as { thread_id: string }[];
  const linked = store.db.prepare("SELECT count(*) AS n FROM turn_tools").get() as { n: number };
  store.close();
  assert.equal(new Set(turns.map((r) => r.thread_id)).size, 1, "one conversation");
  assert.equal(linked.n, 8, "two tools with each of four turns");
  // The conversation goes on from the last round, its tool calls and results included.
  t.server.enqueue({ kind: "text", text: "Yes." });
  await chain.conversation.prompt("Sure?").text();
  assert.equal(t.server.requests[4].body.messages.length, 9);
});

Deno.test("the chain limit: the rounds before it are kept, then ChainLimitError; Responses rounds carry reasoning", async () => {
  {
    await using t = await replaying("b-chain-limit-2-of-3");
    const chain = getModel("4o-mini").chain("Follow the keys from start", { tools: [lookup], chainLimit: 2 });
    const rounds = [];
    await assert.rejects(async () => {
      for await (const response of chain.responses()) rounds.push(await response.text());
    }, ChainLimitError);
    assert.equal(rounds.length, 2);
    assert.equal(t.server.requests.length, 2);
  }
  {
    await using t = await replaying("d-responses-stream-td");
    const chain = getModel().chain("Version, then 6 times 7", { tools: [multiply, lookup, llmVersion] });
    await chain.text();
    const expected = t.recording.interactions[2].request.body.input;
    const sent = t.server.requests[2].body.input;
    // Python sent 0.32 as llm_version's answer; ours is this library's version.
    assert.deepEqual(
      sent.map((i: Record<string, unknown>) => i.type ?? i.role),
      expected.map((i: Record<string, unknown>) => i.type ?? i.role),
    );
    assert.deepEqual(
      sent.filter((i: { type?: string }) => i.type === "reasoning").map((i: { id: string }) => i.id),
      ["rs_fixture_1", "rs_fixture_2"],
    );
  }
});
