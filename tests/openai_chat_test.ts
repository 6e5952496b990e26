/**
 * The OpenAI Chat Completions and legacy Completion models against the loopback server, through the public API:
 * the exact request bodies (compared with Python llm 0.32's wire format and recorded real requests), usage,
 * response_json, tool calls and keys.
 */
import assert from "node:assert/strict";
import { cliErrorMessage } from "../lib/cli/error_messages.ts";
import { getModel, NeedsKeyError } from "../mod.ts";
import { setKey } from "../lib/user/keys.ts";
import { tempUserDir } from "./support/env.ts";
import { recordedExchange, startOpenAIServer } from "./support/openai_server.ts";

/** A server plus a user dir pointing at it with an env key. */
async function setup(env: Record<string, string | undefined> = {}) {
  const server = await startOpenAIServer();
  const dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test", ...env });
  return {
    server,
    dir,
    async [Symbol.asyncDispose]() {
      await dir[Symbol.asyncDispose]();
      await server.close();
    },
  };
}

Deno.test("chat streams, sends stream_options and the recorded request shape", async () => {
  await using env = await setup();
  const { server } = env;
  server.enqueue({ kind: "text", text: "Hello there friend", usage: { input: 7, output: 3 } });
  const response = getModel("gpt-4o-mini").prompt("What is 1231 * 2331?");
  const chunks: string[] = [];
  for await (const chunk of response) chunks.push(chunk);
  assert.deepEqual(chunks, ["Hello", " there", " friend"]);
  assert.equal(server.requests.length, 1);
  const request = server.requests[0];
  assert.equal(request.method, "POST");
  assert.equal(request.path, "/v1/chat/completions");
  assert.equal(request.headers.authorization, "Bearer sk-test");
  // The recorded real request, minus the tools this prompt has none of.
  const { tools: _tools, ...recorded } = recordedExchange("chat-tools-basic", 0).request.body;
  assert.deepEqual(request.body, recorded);
  assert.deepEqual(await response.usage(), { input: 7, output: 3, details: null });
});

Deno.test("chat with stream: false sends no stream_options; response_json is the raw body minus nulls", async () => {
  await using env = await setup();
  const { server } = env;
  server.enqueue({ kind: "text", text: "Just one", usage: { input: 2, output: 2 } });
  const response = getModel("4o-mini").prompt("Hi", { stream: false });
  assert.equal(await response.text(), "Just one");
  assert.deepEqual(server.requests[0].body, {
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "Hi" }],
    stream: false,
  });
  assert.deepEqual(await response.json(), {
    id: "chatcmpl-fake-1",
    object: "chat.completion",
    created: 1700000000,
    model: "gpt-4o-mini",
    choices: [{ index: 0, message: { role: "assistant", content: "Just one" }, finish_reason: "stop" }],
    usage: { completion_tokens: 2, prompt_tokens: 2, total_tokens: 4 },
    system_fingerprint: "fp_fake",
  });
});

Deno.test("chat streamed response_json is combined like Python's combine_chunks", async () => {
  await using env = await setup();
  const { server } = env;
  server.enqueue({ kind: "text", text: "a b", usage: { input: 1, output: 2 } });
  const response = getModel("gpt-4o").prompt("x");
  await response.text();
  assert.deepEqual(await response.json(), {
    content: "a b",
    // The last chunk (usage only) has no choices; the finish chunk's delta has no role.
    finish_reason: "stop",
    usage: { completion_tokens: 2, prompt_tokens: 1, total_tokens: 3 },
    id: "chatcmpl-fake-1",
    object: "chat.completion.chunk",
    model: "gpt-4o",
    created: 1700000000,
  });
});

Deno.test("chat sends the system prompt, and a conversation sends it once with user/assistant pairs", async () => {
  await using env = await setup();
  const { server } = env;
  const conversation = getModel("gpt-4.1").conversation();
  assert.equal(await conversation.prompt("one", { system: "Be brief" }).text(), "Echo: one");
  assert.equal(await conversation.prompt("two", { system: "Be brief" }).text(), "Echo: two");
  assert.deepEqual(server.requests[0].body.messages, [
    { role: "system", content: "Be brief" },
    { role: "user", content: "one" },
  ]);
  assert.deepEqual(server.requests[1].body.messages, [
    { role: "system", content: "Be brief" },
    { role: "user", content: "one" },
    { role: "assistant", content: "Echo: one" },
    { role: "user", content: "two" },
  ]);
});

Deno.test("chat sends a system message again only when it changes (explicit message history)", async () => {
  await using env = await setup();
  const { server } = env;
  const system = (text: string) => ({ role: "system" as const, parts: [{ type: "text" as const, text }] });
  const user = (text: string) => ({ role: "user" as const, parts: [{ type: "text" as const, text }] });
  const assistant = (text: string) => ({
    role: "assistant" as const,
    parts: [{ type: "text" as const, text }],
  });
  const messages = [
    system("A"),
    user("1"),
    assistant("r1"),
    system("A"),
    user("2"),
    assistant("r2"),
    system("B"),
  ];
  await getModel("gpt-4o").prompt("3", { messages, stream: false }).text();
  assert.deepEqual(server.requests[0].body.messages, [
    { role: "system", content: "A" },
    { role: "user", content: "1" },
    { role: "assistant", content: "r1" },
    { role: "user", content: "2" },
    { role: "assistant", content: "r2" },
    { role: "system", content: "B" },
    { role: "user", content: "3" },
  ]);
});

Deno.test("chat options go into the body as Python llm sends them", async () => {
  await using env = await setup();
  const { server } = env;
  const response = getModel("gpt-4o-mini").prompt("Reply in JSON", {
    stream: false,
    options: {
      temperature: 0.5,
      max_tokens: 20,
      top_p: 0.9,
      frequency_penalty: 0.5,
      presence_penalty: -0.5,
      stop: "END",
      logit_bias: '{"1712": -100, "892": 5}',
      seed: 42,
      json_object: true,
      service_tier: "flex",
      image_detail: "low",
    },
  });
  await response.text();
  assert.deepEqual(server.requests[0].body, {
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "Reply in JSON" }],
    stream: false,
    temperature: 0.5,
    max_tokens: 20,
    top_p: 0.9,
    frequency_penalty: 0.5,
    presence_penalty: -0.5,
    stop: "END",
    logit_bias: { "1712": -100, "892": 5 },
    seed: 42,
    response_format: { type: "json_object" },
    service_tier: "flex",
  });
});

Deno.test("chat with a schema sends response_format json_schema named output", async () => {
  await using env = await setup();
  const { server } = env;
  const schema = { type: "object", properties: { name: { type: "string" } }, required: ["name"] };
  await getModel("gpt-4o-mini").prompt("A dog", { schema, stream: false }).text();
  assert.deepEqual(server.requests[0].body.response_format, {
    type: "json_schema",
    json_schema: { name: "output", schema },
  });
});

Deno.test("chat usage details are simplified: zeros and empty objects dropped", async () => {
  await using env = await setup();
  const { server } = env;
  const body = {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "gpt-4o-mini",
    choices: [{
      index: 0,
      message: { role: "assistant", content: "ok", refusal: null },
      finish_reason: "stop",
    }],
    usage: {
      prompt_tokens: 10,
      completion_tokens: 4,
      total_tokens: 14,
      prompt_tokens_details: { cached_tokens: 3, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
  };
  server.enqueue({ kind: "raw", contentType: "application/json", body: JSON.stringify(body) });
  const response = getModel("gpt-4o-mini").prompt("hi", { stream: false });
  assert.equal(await response.text(), "ok");
  assert.deepEqual(await response.usage(), {
    input: 10,
    output: 4,
    details: { prompt_tokens_details: { cached_tokens: 3 } },
  });
  assert.equal(
    await response.tokenUsage(),
    '10 input, 4 output, {"prompt_tokens_details": {"cached_tokens": 3}}',
  );
  const json = await response.json() as Record<string, unknown>;
  const choice = (json.choices as Record<string, Record<string, unknown>>[])[0];
  assert.equal("refusal" in choice.message, false, "null values are removed from response_json");
});

Deno.test("chat marks reasoning the API counted but did not show as redacted reasoning, as Python llm does", async () => {
  await using env = await setup();
  const { server } = env;
  const reply = (reasoningTokens: number) => ({
    kind: "raw" as const,
    contentType: "application/json",
    body: JSON.stringify({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1,
      model: "gpt-5",
      choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
      usage: {
        prompt_tokens: 1,
        completion_tokens: 20,
        total_tokens: 21,
        completion_tokens_details: { reasoning_tokens: reasoningTokens },
      },
    }),
  });
  server.enqueue(reply(12), reply(0));
  const options = { chat_completions: true };
  const reasoned = getModel("gpt-5").prompt("hi", { stream: false, options });
  assert.deepEqual(await reasoned.messages(), [{
    role: "assistant",
    parts: [{ type: "reasoning", text: "", redacted: true }, { type: "text", text: "ok" }],
  }]);
  assert.deepEqual((await reasoned.usage()).details, { completion_tokens_details: { reasoning_tokens: 12 } });
  const plain = getModel("gpt-5").prompt("hi", { stream: false, options });
  assert.deepEqual(await plain.messages(), [{ role: "assistant", parts: [{ type: "text", text: "ok" }] }]);
});

Deno.test("chat replays recorded tool-call streams cut at 1, 8 and 64 bytes to the same result", async () => {
  await using env = await setup();
  const { server } = env;
  const results: unknown[] = [];
  for (const splitAt of [undefined, 1, 8, 64]) {
    server.enqueue({ kind: "recorded", file: "chat-tools-basic", index: 0, ...(splitAt ? { splitAt } : {}) });
    const first = getModel("gpt-4o-mini").prompt("What is 1231 * 2331?");
    await first.text();
    server.enqueue({ kind: "recorded", file: "chat-tools-basic", index: 1, ...(splitAt ? { splitAt } : {}) });
    const second = getModel("gpt-4o-mini").prompt("What is 1231 * 2331?");
    const text = await second.text();
    results.push({
      calls: await first.toolCalls(),
      firstText: await first.text(),
      text,
      usage: await second.usage(),
      json: await second.json(),
    });
  }
  const [whole] = results as { calls: unknown[]; text: string; firstText: string }[];
  assert.deepEqual(whole.calls, [{
    name: "multiply",
    arguments: { a: 1231, b: 2331 },
    toolCallId: "call_1EYWDzueHEp8OsB8jJSEp7WB",
  }]);
  assert.equal(whole.firstText, "");
  assert.match(whole.text, /2,?869,?461/);
  for (const result of results.slice(1)) assert.deepEqual(result, whole);
});

Deno.test("chat tool calls from a recorded non-streamed reply become tool calls and message parts", async () => {
  await using env = await setup();
  const { server } = env;
  server.enqueue({ kind: "recorded", file: "chat-tools-chain-of-two-calls", index: 0 });
  const response = getModel("gpt-4o-mini").prompt("Can the country of Crumpet have dragons?", {
    stream: false,
  });
  assert.equal(await response.text(), "");
  const calls = await response.toolCalls();
  assert.deepEqual(calls, [{
    name: "lookup_population",
    arguments: { country: "Crumpet" },
    toolCallId: "call_TTY8UFNo7rNCaOBUNtlRSvMG",
  }]);
  assert.deepEqual(await response.messages(), [{
    role: "assistant",
    parts: [{
      type: "tool_call",
      name: "lookup_population",
      arguments: { country: "Crumpet" },
      tool_call_id: "call_TTY8UFNo7rNCaOBUNtlRSvMG",
    }],
  }]);
});

Deno.test("keys: keys.json beats the environment, an explicit key beats both, a named key is looked up", async () => {
  await using env = await setup();
  const { server } = env;
  const model = getModel("gpt-4o-mini");
  await model.prompt("env", { stream: false }).text();
  setKey("openai", "sk-from-keys-json");
  setKey("other", "sk-named");
  await model.prompt("stored", { stream: false }).text();
  await model.prompt("explicit", { stream: false, key: "sk-explicit" }).text();
  await model.prompt("named", { stream: false, key: "other" }).text();
  assert.deepEqual(server.requests.map((r) => r.headers.authorization), [
    "Bearer sk-test",
    "Bearer sk-from-keys-json",
    "Bearer sk-explicit",
    "Bearer sk-named",
  ]);
});

Deno.test("keys: no key anywhere gives NeedsKeyError and sends nothing", async () => {
  await using env = await setup({ OPENAI_API_KEY: undefined });
  const { server } = env;
  const response = getModel("gpt-4o-mini").prompt("hi");
  const error = await response.text().then(() => undefined, (e) => e);
  assert.ok(error instanceof NeedsKeyError);
  assert.equal(
    cliErrorMessage(error),
    "No key found - add one using 'llm keys set openai' or set the OPENAI_API_KEY environment variable",
  );
  assert.equal(server.requests.length, 0);
});

Deno.test("completion model joins the history, defaults max_tokens to 256 and rejects a system prompt", async () => {
  await using env = await setup();
  const { server } = env;
  const model = getModel("3.5-instruct");
  const conversation = model.conversation();
  assert.equal(await conversation.prompt("first").text(), "Echo: first");
  const second = conversation.prompt("second", { stream: false, options: { max_tokens: 10, logprobs: 2 } });
  // The test server echoes the whole completions prompt.
  assert.equal(await second.text(), "Echo: first\nEcho: first\nsecond");
  assert.equal(server.requests[0].path, "/v1/completions");
  assert.deepEqual(server.requests[0].body, {
    model: "gpt-3.5-turbo-instruct",
    prompt: "first",
    stream: true,
    max_tokens: 256,
    stream_options: { include_usage: true },
  });
  assert.deepEqual(server.requests[1].body, {
    model: "gpt-3.5-turbo-instruct",
    prompt: "first\nEcho: first\nsecond",
    stream: false,
    max_tokens: 10,
    logprobs: 2,
  });
  const streamed = conversation.responses[0];
  assert.deepEqual(await streamed.json(), {
    content: "Echo: first",
    // As in Python's combine_chunks, completion choices (no delta) add text only: no role, no finish_reason.
    usage: { completion_tokens: 2, prompt_tokens: 1, total_tokens: 3 },
    id: "cmpl-fake-1",
    object: "text_completion",
    model: "gpt-3.5-turbo-instruct",
    created: 1700000000,
  });

  const rejected = model.prompt("hi", { system: "no" });
  const error = await rejected.text().then(() => undefined, (e) => e);
  assert.match(String(error?.message), /System prompts are not supported for OpenAI completion models/);
  assert.equal(server.requests.length, 2);
});
