import assert from "node:assert/strict";
import { type Chunk, Model, type Prompt } from "../mod.ts";
import type { ExecuteContext } from "../lib/models/response.ts";

class Scripted extends Model {
  constructor(
    private chunks: Chunk[],
    private calls: Parameters<ExecuteContext["response"]["addToolCall"]>[0][] = [],
  ) {
    super("scripted");
  }
  override async *execute(_prompt: Prompt, context: ExecuteContext): AsyncGenerator<Chunk> {
    yield* this.chunks;
    for (const call of this.calls) context.response.addToolCall(call);
  }
}

const run = async (chunks: Chunk[], calls: Parameters<ExecuteContext["response"]["addToolCall"]>[0][] = []) =>
  await new Scripted(chunks, calls).prompt("x").messages();

Deno.test("parts: text and reasoning runs join; a change of kind starts a new part", async () => {
  assert.deepEqual(
    await run([
      { type: "reasoning", chunk: "think " },
      { type: "reasoning", chunk: "more" },
      "Hello",
      " world",
      { type: "reasoning", chunk: "again" },
    ]),
    [{
      role: "assistant",
      parts: [
        { type: "reasoning", text: "think more" },
        { type: "text", text: "Hello world" },
        { type: "reasoning", text: "again" },
      ],
    }],
  );
});

Deno.test("parts: tool calls group by id, parallel calls without ids stay apart, redacted reasoning first", async () => {
  const messages = await run([
    "Let me look.",
    { type: "tool_call_name", chunk: "search", toolCallId: "a" },
    { type: "tool_call_name", chunk: "fetch", toolCallId: "b" },
    { type: "tool_call_args", chunk: '{"q":', toolCallId: "a" },
    { type: "tool_call_args", chunk: '"x"}', toolCallId: "a" },
    { type: "tool_call_args", chunk: '{"url":"u"}', toolCallId: "b" },
    { type: "tool_call_name", chunk: "one" },
    { type: "tool_call_args", chunk: '{"n":1}' },
    { type: "tool_call_name", chunk: "two" },
    { type: "tool_call_args", chunk: "not json" },
    { type: "reasoning", chunk: "", redacted: true },
  ]);
  assert.deepEqual(messages[0].parts, [
    { type: "reasoning", text: "", redacted: true },
    { type: "text", text: "Let me look." },
    { type: "tool_call", name: "search", arguments: { q: "x" }, tool_call_id: "a" },
    { type: "tool_call", name: "fetch", arguments: { url: "u" }, tool_call_id: "b" },
    { type: "tool_call", name: "one", arguments: { n: 1 } },
    { type: "tool_call", name: "two", arguments: { _raw: "not json" } },
  ]);
});

Deno.test("parts: server-side tool results, several messages, provider metadata merged", async () => {
  const messages = await run([
    { type: "tool_call_name", chunk: "web_search", toolCallId: "s1", serverExecuted: true },
    { type: "tool_call_args", chunk: '{"query":"q"}', toolCallId: "s1", serverExecuted: true },
    {
      type: "tool_result",
      chunk: "[results]",
      toolCallId: "s1",
      toolName: "web_search",
      serverExecuted: true,
    },
    { type: "text", chunk: "First", providerMetadata: { a: 1 } },
    { type: "text", chunk: " message", providerMetadata: { b: 2 } },
    { type: "text", chunk: "Second", messageIndex: 1 },
  ]);
  assert.deepEqual(messages, [
    {
      role: "assistant",
      parts: [
        {
          type: "tool_call",
          name: "web_search",
          arguments: { query: "q" },
          tool_call_id: "s1",
          server_executed: true,
        },
        {
          type: "tool_result",
          name: "web_search",
          output: "[results]",
          tool_call_id: "s1",
          server_executed: true,
        },
        { type: "text", text: "First message", provider_metadata: { a: 1, b: 2 } },
      ],
    },
    { role: "assistant", parts: [{ type: "text", text: "Second" }] },
  ]);
});

Deno.test("parts: calls registered with addToolCall join the last message unless streamed too", async () => {
  const messages = await run(
    ["Calling", { type: "tool_call_name", chunk: "streamed", toolCallId: "s" }],
    [{ name: "streamed", arguments: {}, toolCallId: "s" }, {
      name: "added",
      arguments: { x: 1 },
      toolCallId: "z",
    }],
  );
  assert.deepEqual(messages[0].parts, [
    { type: "text", text: "Calling" },
    { type: "tool_call", name: "streamed", arguments: {}, tool_call_id: "s" },
    { type: "tool_call", name: "added", arguments: { x: 1 }, tool_call_id: "z" },
  ]);
});

Deno.test("parts: events of two kinds at one part index are a provider bug, reported", async () => {
  const response = new Scripted([
    { type: "text", chunk: "a", partIndex: 0 },
    { type: "reasoning", chunk: "b", partIndex: 0 },
  ]).prompt("x");
  await response.text();
  assert.throws(() => response.messagesSoFar(), /different kinds share part index 0/);
});
