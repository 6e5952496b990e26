import assert from "node:assert/strict";
import { cliErrorMessage } from "../lib/cli/error_messages.ts";
import {
  CancelledError,
  type Chunk,
  defineOptions,
  type ExecuteContext,
  InvalidOptionError,
  Model,
  ModelError,
  type Prompt,
} from "../mod.ts";
import { tempUserDir } from "./support/env.ts";

/** A model whose answer is scripted: chunks, an optional failure after them, an optional pause per chunk. */
class Scripted extends Model {
  runs = 0;
  seen: Prompt[] = [];
  constructor(
    public chunks: Chunk[],
    public failAfter?: Error,
    public pauseMs = 0,
  ) {
    super("scripted", {
      options: defineOptions((z) => ({
        temperature: z.number().min(0).max(2).optional().describe("Sampling temperature"),
        json_object: z.boolean().optional(),
        max_tokens: z.int().optional(),
      })),
    });
  }
  override async *execute(prompt: Prompt, context: ExecuteContext) {
    this.runs++;
    this.seen.push(prompt);
    for (const chunk of this.chunks) {
      if (this.pauseMs) await new Promise((r) => setTimeout(r, this.pauseMs));
      context.signal.throwIfAborted();
      yield chunk;
    }
    context.response.setUsage({ input: 3, output: this.chunks.length, details: { cached: 1 } });
    context.response.setResponseJson({ raw: true });
    context.response.setResolvedModel("scripted-2026");
    if (this.failAfter) throw this.failAfter;
  }
}

Deno.test("a response is lazy, streams chunks, and text() gives the same text without running again", async () => {
  await using _dir = await tempUserDir();
  const model = new Scripted(["Hel", "lo", " there"]);
  const response = model.prompt("hi");
  assert.equal(response.status, "pending");
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(model.runs, 0, "nothing runs before it is read");
  const chunks: string[] = [];
  for await (const chunk of response) chunks.push(chunk);
  assert.deepEqual(chunks, ["Hel", "lo", " there"]);
  assert.equal(await response.text(), "Hello there");
  assert.equal(await response.text(), "Hello there");
  const replay: string[] = [];
  for await (const chunk of response) replay.push(chunk);
  assert.deepEqual(replay, chunks);
  assert.equal(model.runs, 1);
  assert.deepEqual(await response.usage(), { input: 3, output: 3, details: { cached: 1 } });
  assert.equal(await response.tokenUsage(), '3 input, 3 output, {"cached": 1}');
  assert.deepEqual(await response.json(), { raw: true });
  assert.equal(response.resolvedModel, "scripted-2026");
  assert.equal(response.status, "done");
  assert.match(response.id, /^[0-9a-hjkmnp-tv-z]{26}$/);
  assert.match(await response.datetimeUtc(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
  assert.ok((await response.durationMs()) >= 0);
});

Deno.test("two readers at once see the same chunks from one run", async () => {
  await using _dir = await tempUserDir();
  const model = new Scripted(["a", "b", "c"], undefined, 5);
  const response = model.prompt("x");
  const read = async () => {
    const out: string[] = [];
    for await (const c of response) out.push(c);
    return out.join("");
  };
  assert.deepEqual(await Promise.all([read(), read(), response.text()]), ["abc", "abc", "abc"]);
  assert.equal(model.runs, 1);
});

Deno.test("reasoning and tool events are kept out of the text but assembled into messages", async () => {
  await using _dir = await tempUserDir();
  const model = new Scripted([
    { type: "reasoning", chunk: "Thinking, " },
    { type: "reasoning", chunk: "done." },
    "Answer",
    { type: "text", chunk: " here" },
  ]);
  const response = model.prompt("q");
  assert.equal(await response.text(), "Answer here");
  assert.equal(response.reasoningSoFar(), "Thinking, done.");
  assert.deepEqual(await response.messages(), [{
    role: "assistant",
    parts: [{ type: "reasoning", text: "Thinking, done." }, { type: "text", text: "Answer here" }],
  }]);
  const types: string[] = [];
  for await (const e of response.streamEvents()) types.push(e.type);
  assert.deepEqual(types, ["reasoning", "reasoning", "text", "text"]);
});

Deno.test("plain string chunks make the same messages as the text events they stand for", async () => {
  await using _dir = await tempUserDir();
  const words = ["one ", "", "two ", "three"];
  const plain = new Scripted(words).prompt("q");
  const events = new Scripted(words.map((chunk) => ({ type: "text" as const, chunk }))).prompt("q");
  assert.deepEqual(await plain.messages(), [{
    role: "assistant",
    parts: [{ type: "text", text: "one two three" }],
  }]);
  assert.deepEqual(await plain.messages(), await events.messages());
  // No text at all: no message, as the assembler gives.
  const empty = new Scripted([""]).prompt("q");
  const emptyEvents = new Scripted([{ type: "text", chunk: "" }]).prompt("q");
  assert.deepEqual(await empty.messages(), []);
  assert.deepEqual(await empty.messages(), await emptyEvents.messages());
  // A string answer with a registered tool call goes through the assembler.
  const withCall = new Scripted(["Calling"]);
  const original = withCall.execute.bind(withCall);
  withCall.execute = async function* (prompt, context) {
    yield* original(prompt, context);
    context.response.addToolCall({ name: "lookup", arguments: { q: 1 }, toolCallId: "c1" });
  };
  assert.deepEqual(await withCall.prompt("q").messages(), [{
    role: "assistant",
    parts: [{ type: "text", text: "Calling" }, {
      type: "tool_call",
      name: "lookup",
      arguments: { q: 1 },
      tool_call_id: "c1",
    }],
  }]);
});

Deno.test("a failure surfaces as a typed error from text() and iteration, and the partial text is kept", async () => {
  await using _dir = await tempUserDir();
  const model = new Scripted(["partial ", "text"], new Error("socket hang up"));
  const response = model.prompt("x");
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const c of response) seen.push(c);
  }, (error: unknown) => error instanceof ModelError && error.message === "socket hang up");
  assert.deepEqual(seen, ["partial ", "text"]);
  await assert.rejects(() => response.text(), ModelError);
  assert.equal(response.textSoFar(), "partial text");
  assert.equal(response.status, "failed");
});

Deno.test("cancel() stops a running response with CancelledError and keeps what arrived", async () => {
  await using _dir = await tempUserDir();
  const model = new Scripted(["one ", "two ", "three ", "four"], undefined, 20);
  const controller = new AbortController();
  const response = model.prompt("x", { signal: controller.signal });
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const c of response) {
      seen.push(c);
      if (seen.length === 2) controller.abort();
    }
  }, CancelledError);
  assert.equal(response.status, "cancelled");
  assert.equal(response.textSoFar(), "one two ");
  assert.equal((response.error as CancelledError).exitCode, 130);
});

Deno.test("options are validated with clear messages; strings from the command line are converted", async () => {
  await using _dir = await tempUserDir();
  const model = new Scripted(["ok"]);
  const good = model.prompt("x", { options: { temperature: "0.5", json_object: "true", max_tokens: "12" } });
  await good.text();
  assert.deepEqual(model.seen[0].options, { temperature: 0.5, json_object: true, max_tokens: 12 });
  await assert.rejects(
    () => model.prompt("x", { options: { temperature: "5" } }).text(),
    (e: unknown) =>
      e instanceof InvalidOptionError && e.option === "temperature" &&
      /^Invalid value for option 'temperature' \(5\): Too big/.test(e.message),
  );
  await assert.rejects(
    () => model.prompt("x", { options: { max_tokens: "1.5" } }).text(),
    (e: unknown) => e instanceof InvalidOptionError && e.option === "max_tokens",
  );
  await assert.rejects(
    () => model.prompt("x", { options: { nope: 1 } }).text(),
    (e: unknown) =>
      e instanceof InvalidOptionError && e.message === "Unknown option 'nope' for model scripted" &&
      cliErrorMessage(e) ===
        "Unknown option 'nope' for model scripted. Run 'llm models --options -m scripted' to list its options",
  );
  assert.equal(model.runs, 1, "a bad option never reaches the model");
});

Deno.test("prompt text joins fragments; system joins system fragments; the chain starts with the system", async () => {
  await using _dir = await tempUserDir();
  const model = new Scripted(["ok"]);
  const response = model.prompt("question", {
    fragments: ["frag one", "frag two"],
    system: "  be brief ",
    systemFragments: [" sys frag "],
  });
  await response.text();
  assert.equal(response.prompt.prompt, "frag one\nfrag two\nquestion");
  assert.equal(response.prompt.system, "sys frag\n\nbe brief");
  assert.deepEqual(response.prompt.messages, [
    { role: "system", parts: [{ type: "text", text: "sys frag\n\nbe brief" }] },
    { role: "user", parts: [{ type: "text", text: "frag one\nfrag two\nquestion" }] },
  ]);
});

Deno.test("a conversation sends the system prompt, then earlier user/assistant pairs, then the new prompt", async () => {
  await using _dir = await tempUserDir();
  const model = new Scripted(["answer"]);
  const conversation = model.conversation();
  assert.match(conversation.id, /^[0-9a-z]{26}$/);
  const first = conversation.prompt("first", { system: "sys" });
  const second = conversation.prompt("second");
  assert.equal(await second.text(), "answer", "reading the second runs the first before it");
  assert.equal(first.status, "done");
  assert.deepEqual(conversation.responses, [first, second]);
  assert.deepEqual(model.seen[1].messages, [
    { role: "system", parts: [{ type: "text", text: "sys" }] },
    { role: "user", parts: [{ type: "text", text: "first" }] },
    { role: "assistant", parts: [{ type: "text", text: "answer" }] },
    { role: "user", parts: [{ type: "text", text: "second" }] },
  ]);
  assert.equal(second.conversation, conversation);
});

Deno.test("a conversation can start from history loaded from storage", async () => {
  await using _dir = await tempUserDir();
  const model = new Scripted(["next"]);
  const history = [
    { role: "user" as const, parts: [{ type: "text" as const, text: "old" }] },
    { role: "assistant" as const, parts: [{ type: "text" as const, text: "reply" }] },
  ];
  const conversation = model.conversation({ id: "01jabc", name: "old", loadedMessages: history });
  await conversation.prompt("new").text();
  assert.deepEqual(model.seen[0].messages.map((m) => m.role), ["user", "assistant", "user"]);
  assert.equal(conversation.id, "01jabc");
});

Deno.test("a model that cannot stream is never asked to", async () => {
  await using _dir = await tempUserDir();
  class NoStream extends Model {
    streams: boolean[] = [];
    constructor() {
      super("nostream", { canStream: false });
    }
    override async *execute(_prompt: Prompt, context: ExecuteContext) {
      this.streams.push(context.stream);
      yield "x";
    }
  }
  const model = new NoStream();
  await model.prompt("a").text();
  await model.prompt("b", { stream: false }).text();
  assert.deepEqual(model.streams, [false, false]);
});

Deno.test("eventBatches groups what arrives together and still delivers each chunk before the next pause", async () => {
  await using _dir = await tempUserDir();
  class Bursts extends Model {
    constructor() {
      super("bursts");
    }
    override async *execute() {
      yield "a";
      yield "b"; // same turn of the event loop as "a"
      await new Promise((r) => setTimeout(r, 30));
      yield "c";
      yield { type: "reasoning" as const, chunk: "r" };
    }
  }
  const response = new Bursts().prompt("x");
  const batches: string[][] = [];
  const times: number[] = [];
  const start = performance.now();
  for await (const batch of response.eventBatches()) {
    batches.push(batch.map((e) => e.chunk));
    times.push(performance.now() - start);
  }
  assert.deepEqual(batches, [["a", "b"], ["c", "r"]]);
  assert.ok(times[0] < 25, `the first batch came before the pause (${times[0]} ms)`);
  const replay: string[][] = [];
  for await (const batch of response.eventBatches()) replay.push(batch.map((e) => e.chunk));
  assert.deepEqual(replay.flat(), ["a", "b", "c", "r"]);
});
