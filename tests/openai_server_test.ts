import assert from "node:assert/strict";
import {
  GARBAGE_BODY,
  HTML_PAGE,
  type OpenAIServer,
  recordedExchange,
  RecordedFixtureError,
  startOpenAIServer,
} from "./support/openai_server.ts";

const FIXTURES = new URL("./fixtures/openai-recorded/", import.meta.url);

async function client(baseURL: string) {
  const { default: OpenAI } = await import("npm:openai@^7");
  return new OpenAI({ apiKey: "sk-test-key", baseURL, maxRetries: 0 });
}

const USER_X = [{ role: "user" as const, content: "x" }];

/** POSTs `body` (JSON-encoded unless a string) to `path` under the server's base URL, with plain fetch. */
function post(server: OpenAIServer, path: string, body: unknown = {}): Promise<Response> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return fetch(`${server.url}${path}`, { method: "POST", body: text });
}

async function readFixtureBody(file: string, index: number): Promise<string> {
  const text = await Deno.readTextFile(new URL(`${file}.json`, FIXTURES));
  return JSON.parse(text).interactions[index].response.body;
}

/** Reads a fetch body to the end, returning the decoded text pieces and the error that stopped it, if any. */
async function readAll(res: Response): Promise<{ pieces: string[]; error?: unknown }> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const pieces: string[] = [];
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return { pieces };
      pieces.push(value);
    }
  } catch (error) {
    return { pieces, error };
  }
}

Deno.test("chat completions without streaming: echo, usage, ids and the recorded request", async () => {
  await using server = await startOpenAIServer();
  const openai = await client(server.url);
  const completion = await openai.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "hello pelican" }],
  });
  assert.equal(completion.choices[0].message.content, "Echo: hello pelican");
  assert.equal(completion.choices[0].finish_reason, "stop");
  assert.equal(completion.id, "chatcmpl-fake-1");
  assert.equal(completion.model, "gpt-4o-mini");
  assert.deepEqual(completion.usage, { completion_tokens: 3, prompt_tokens: 2, total_tokens: 5 });
  assert.equal(server.requests.length, 1);
  const [request] = server.requests;
  assert.equal(request.method, "POST");
  assert.equal(request.path, "/v1/chat/completions");
  assert.equal(request.headers.authorization, "Bearer sk-test-key");
  assert.match(request.headers["content-type"], /application\/json/);
  assert.deepEqual(request.body.messages, [{ role: "user", content: "hello pelican" }]);
});

Deno.test("chat completions streaming: deltas, role, finish reason, usage chunk and [DONE]", async () => {
  await using server = await startOpenAIServer();
  const openai = await client(server.url);
  const stream = await openai.chat.completions.create({
    model: "gpt-4o-mini",
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      { role: "user", content: "hello pelican" },
      { role: "assistant", content: "Echo: hello pelican" },
      { role: "user", content: [{ type: "text", text: "second turn" }] },
    ],
  });
  const deltas: string[] = [];
  const chunks = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
    const content = chunk.choices[0]?.delta.content;
    if (content) deltas.push(content);
  }
  assert.deepEqual(deltas, ["Echo:", " second", " turn"]);
  assert.equal(chunks[0].choices[0].delta.role, "assistant");
  assert.equal(chunks.at(-2)?.choices[0].finish_reason, "stop");
  assert.deepEqual(chunks.at(-1)?.choices, []);
  // input counts the words of the whole conversation, as the server Python llm was recorded against did
  assert.deepEqual(chunks.at(-1)?.usage, { completion_tokens: 3, prompt_tokens: 7, total_tokens: 10 });
  assert.ok(chunks.slice(0, -1).every((chunk) => chunk.usage === null));
  assert.ok(
    chunks.every((chunk) => chunk.object === "chat.completion.chunk" && chunk.id === "chatcmpl-fake-1"),
  );
});

Deno.test("chat streaming without include_usage sends no usage, and the raw stream ends with [DONE]", async () => {
  await using server = await startOpenAIServer();
  const res = await post(server, "/chat/completions", { model: "m", stream: true, messages: USER_X });
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  const text = await res.text();
  assert.ok(text.endsWith("data: [DONE]\n\n"));
  assert.ok(!text.includes('"usage"'));
  assert.equal(text.split("\n\n").filter((event) => event.startsWith("data: {")).length, 4);
});

Deno.test("responses API without streaming: output_text, instructions counted in usage", async () => {
  await using server = await startOpenAIServer();
  const openai = await client(server.url);
  const response = await openai.responses.create({
    model: "gpt-5.5",
    instructions: "Answer tersely",
    input: [{ role: "user", content: "Five names for a pet skunk" }],
    store: false,
  });
  assert.equal(response.output_text, "Echo: Five names for a pet skunk");
  assert.equal(response.id, "resp_fake_1");
  assert.equal(response.status, "completed");
  assert.equal(response.instructions, "Answer tersely");
  assert.equal(response.usage?.input_tokens, 8);
  assert.equal(response.usage?.output_tokens, 7);
  assert.equal(response.usage?.total_tokens, 15);
  assert.equal(server.requests[0].path, "/v1/responses");
});

Deno.test("responses API streaming: the event sequence of the real API and a completed response", async () => {
  await using server = await startOpenAIServer();
  const openai = await client(server.url);
  const stream = await openai.responses.create({
    model: "gpt-5.5",
    stream: true,
    input: [{ role: "user", content: [{ type: "input_text", text: "pong please" }] }],
  });
  const types: string[] = [];
  const deltas: string[] = [];
  const sequence: number[] = [];
  let completed: unknown;
  for await (const event of stream) {
    types.push(event.type);
    sequence.push(event.sequence_number);
    if (event.type === "response.output_text.delta") deltas.push(event.delta);
    if (event.type === "response.completed") completed = event.response;
  }
  assert.deepEqual(types, [
    "response.created",
    "response.in_progress",
    "response.output_item.added",
    "response.content_part.added",
    "response.output_text.delta",
    "response.output_text.delta",
    "response.output_text.delta",
    "response.output_text.done",
    "response.content_part.done",
    "response.output_item.done",
    "response.completed",
  ]);
  assert.deepEqual(sequence, [...sequence.keys()]);
  assert.equal(deltas.join(""), "Echo: pong please");
  const done = completed as { output: { content: { text: string }[] }[]; usage: { input_tokens: number } };
  assert.equal(done.output[0].content[0].text, "Echo: pong please");
  assert.equal(done.usage.input_tokens, 2);
});

Deno.test("responses stream helper of the SDK reaches finalResponse", async () => {
  await using server = await startOpenAIServer({ replies: [{ kind: "text", text: "all good" }] });
  const openai = await client(server.url);
  const runner = openai.responses.stream({ model: "gpt-5.5", input: "hi" });
  const final = await runner.finalResponse();
  assert.equal(final.output_text, "all good");
});

Deno.test("legacy completions, streamed and not", async () => {
  await using server = await startOpenAIServer();
  const openai = await client(server.url);
  const completion = await openai.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "say hi" });
  assert.equal(completion.choices[0].text, "Echo: say hi");
  assert.equal(completion.object, "text_completion");
  assert.equal(completion.usage?.prompt_tokens, 2);
  const stream = await openai.completions.create({
    model: "gpt-3.5-turbo-instruct",
    prompt: "say hi",
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = "";
  let usage;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.text ?? "";
    usage = chunk.usage ?? usage;
  }
  assert.equal(text, "Echo: say hi");
  assert.equal(usage?.completion_tokens, 3);
  assert.equal(server.requests[1].path, "/v1/completions");
});

Deno.test("text replies use the given chunks and usage; the queue is FIFO, then echo", async () => {
  await using server = await startOpenAIServer({ replies: [{ kind: "text", text: "first" }] });
  server.enqueue({
    kind: "text",
    text: "Hello world",
    chunks: ["Hel", "lo wor", "ld"],
    usage: { input: 9, output: 4 },
  });
  const openai = await client(server.url);
  const ask = () => openai.chat.completions.create({ model: "m", messages: USER_X });
  assert.equal((await ask()).choices[0].message.content, "first");
  const stream = await openai.chat.completions.create({
    model: "m",
    stream: true,
    stream_options: { include_usage: true },
    messages: USER_X,
  });
  const deltas: string[] = [];
  let usage;
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
    usage = chunk.usage ?? usage;
  }
  assert.deepEqual(deltas, ["Hel", "lo wor", "ld"]);
  assert.deepEqual(usage, { completion_tokens: 4, prompt_tokens: 9, total_tokens: 13 });
  const third = await ask();
  assert.equal(third.choices[0].message.content, "Echo: x");
  assert.equal(third.id, "chatcmpl-fake-3");
});

Deno.test("models list, routing by suffix under any base, and 404 for unknown paths", async () => {
  await using server = await startOpenAIServer();
  const openai = await client(server.url);
  const models = [];
  for await (const model of openai.models.list()) models.push(model.id);
  assert.ok(models.includes("gpt-4o-mini"));
  const custom = await client(`${server.origin}/custom/v1`);
  const completion = await custom.chat.completions.create({
    model: "m",
    messages: [{ role: "user", content: "a" }],
  });
  assert.equal(completion.choices[0].message.content, "Echo: a");
  assert.equal(server.requests[1].path, "/custom/v1/chat/completions");
  const bare = await fetch(`${server.origin}/chat/completions`, { method: "POST", body: "{}" });
  assert.equal((await bare.json()).object, "chat.completion");
  const missing = await post(server, "/embeddings", "not json");
  assert.equal(missing.status, 404);
  assert.match((await missing.json()).error.message, /No route for POST \/v1\/embeddings/);
  assert.equal(server.requests[3].body, "not json");
  assert.equal(server.requests[0].body, null);
  assert.equal(server.requests[0].method, "GET");
});

Deno.test("status replies: OpenAI error bodies, custom bodies and headers reach the SDK", async () => {
  await using server = await startOpenAIServer();
  server.enqueue(
    { kind: "status", status: 401 },
    { kind: "status", status: 429, headers: { "retry-after": "7" } },
    { kind: "status", status: 500, body: { error: { message: "Boom", type: "server_error" } } },
  );
  const { default: OpenAI } = await import("npm:openai@^7");
  const openai = await client(server.url);
  const ask = () => openai.chat.completions.create({ model: "m", messages: USER_X });
  await assert.rejects(ask(), (error: unknown) => {
    assert.ok(error instanceof OpenAI.AuthenticationError);
    assert.equal(error.status, 401);
    assert.equal(error.code, "invalid_api_key");
    return true;
  });
  await assert.rejects(ask(), (error: unknown) => {
    assert.ok(error instanceof OpenAI.RateLimitError);
    assert.equal(error.headers.get("retry-after"), "7");
    return true;
  });
  await assert.rejects(ask(), (error: unknown) => {
    assert.ok(error instanceof OpenAI.InternalServerError);
    assert.match(error.message, /Boom/);
    return true;
  });
});

Deno.test("drop: the client gets the chunks, then its body read fails", async () => {
  await using server = await startOpenAIServer({ replies: [{ kind: "drop", chunks: ["Hello", " wor"] }] });
  const res = await post(server, "/chat/completions", { model: "m", stream: true, messages: USER_X });
  const { pieces, error } = await readAll(res);
  assert.ok(error, "a dropped stream must error at the client, not end cleanly");
  const text = pieces.join("");
  assert.ok(text.includes('"content":" wor"'));
  assert.ok(!text.includes("[DONE]"));
});

Deno.test("drop: the SDK stream rejects mid-way, streamed and not", async () => {
  await using server = await startOpenAIServer();
  server.enqueue({ kind: "drop", chunks: ["partial", " text"] }, { kind: "drop", chunks: ["x"] });
  const openai = await client(server.url);
  const deltas: string[] = [];
  await assert.rejects(async () => {
    const stream = await openai.responses.create({ model: "m", input: "x", stream: true });
    for await (const event of stream) {
      if (event.type === "response.output_text.delta") deltas.push(event.delta);
    }
  });
  assert.deepEqual(deltas, ["partial", " text"]);
  await assert.rejects(openai.responses.create({ model: "m", input: "x" }));
});

Deno.test("slow: each chunk is flushed as written, so the first arrives long before the last", async () => {
  const delayMs = 150;
  await using server = await startOpenAIServer({
    replies: [{ kind: "slow", chunks: ["one", " two", " three"], delayMs }],
  });
  const openai = await client(server.url);
  const started = performance.now();
  const stream = await openai.chat.completions.create({
    model: "m",
    stream: true,
    messages: USER_X,
  });
  const arrivals: [string, number][] = [];
  for await (const chunk of stream) {
    const content = chunk.choices[0]?.delta.content;
    if (content) arrivals.push([content, performance.now() - started]);
  }
  assert.deepEqual(arrivals.map(([content]) => content), ["one", " two", " three"]);
  const [[, first], , [, last]] = arrivals;
  assert.ok(
    first < last - delayMs,
    `the first chunk came ${first} ms in, the last ${last}: not flushed early`,
  );
});

Deno.test("slow without streaming waits, then answers the whole text", async () => {
  await using server = await startOpenAIServer({
    replies: [{ kind: "slow", chunks: ["a", "b", "c"], delayMs: 40 }],
  });
  const openai = await client(server.url);
  const started = performance.now();
  const completion = await openai.chat.completions.create({
    model: "m",
    messages: USER_X,
  });
  assert.equal(completion.choices[0].message.content, "abc");
  assert.ok(performance.now() - started >= 70);
});

Deno.test("closing the server while a slow stream is in flight cuts it and leaks nothing", async () => {
  const server = await startOpenAIServer({
    replies: [{ kind: "slow", chunks: ["a", "b", "c"], delayMs: 60_000 }],
  });
  const res = await post(server, "/chat/completions", { model: "m", stream: true, messages: USER_X });
  const reader = res.body!.getReader();
  const first = await reader.read();
  assert.ok(new TextDecoder().decode(first.value).includes('"content":"a"'));
  const started = performance.now();
  await server.close();
  assert.ok(performance.now() - started < 2000, "close must not wait for the slow stream");
  await assert.rejects(reader.read());
  await server.close();
});

Deno.test("malformed streams make the SDK throw; malformed JSON bodies too", async () => {
  await using server = await startOpenAIServer();
  server.enqueue({ kind: "malformed" }, { kind: "malformed" }, { kind: "malformed" });
  const openai = await client(server.url);
  await assert.rejects(async () => {
    const stream = await openai.chat.completions.create({
      model: "m",
      stream: true,
      messages: USER_X,
    });
    for await (const _ of stream) { /* read to the broken line */ }
  });
  await assert.rejects(async () => {
    const stream = await openai.responses.create({ model: "m", input: "x", stream: true });
    for await (const _ of stream) { /* read to the broken line */ }
  });
  await assert.rejects(
    openai.chat.completions.create({ model: "m", messages: USER_X }),
  );
});

Deno.test("recorded replay: streaming responses fixture, byte for byte, whole and split at odd boundaries", async () => {
  const expected = await readFixtureBody("responses-basic-streaming", 0);
  await using server = await startOpenAIServer();
  const openai = await client(server.url);
  for (const splitAt of [undefined, 1, 7, 64]) {
    server.enqueue({ kind: "recorded", file: "responses-basic-streaming", splitAt });
    const raw = await post(server, "/responses");
    assert.equal(raw.headers.get("content-type"), "text/event-stream; charset=utf-8");
    assert.equal(await raw.text(), expected, `splitAt ${splitAt}`);
    server.enqueue({ kind: "recorded", file: "responses-basic-streaming.json", splitAt });
    const stream = await openai.responses.create({ model: "gpt-5.5", input: "x", stream: true });
    let text = "";
    for await (const event of stream) if (event.type === "response.output_text.delta") text += event.delta;
    assert.equal(text, "pong", `splitAt ${splitAt}`);
  }
});

Deno.test("recorded replay: chosen interaction of chat fixtures, streamed and not", async () => {
  await using server = await startOpenAIServer();
  server.enqueue(
    { kind: "recorded", file: "chat-tools-chain-of-two-calls", index: 2 },
    { kind: "recorded", file: "chat-tools-basic", index: 0, splitAt: 3 },
  );
  const openai = await client(server.url);
  const completion = await openai.chat.completions.create({
    model: "m",
    messages: USER_X,
  });
  assert.equal(completion.choices[0].message.content, "YES");
  const stream = await openai.chat.completions.create({
    model: "m",
    stream: true,
    messages: USER_X,
  });
  const names: string[] = [];
  for await (const chunk of stream) {
    for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
      if (call.function?.name) names.push(call.function.name);
    }
  }
  assert.ok(names.length > 0, "the recorded stream carries a tool call");
});

Deno.test("enqueue rejects unknown fixtures, missing interactions and bad split sizes at once", async () => {
  await using server = await startOpenAIServer();
  assert.throws(() => server.enqueue({ kind: "recorded", file: "no-such-file" }), RecordedFixtureError);
  assert.throws(
    () => server.enqueue({ kind: "recorded", file: "responses-basic-streaming", index: 5 }),
    /has no interaction 5: use an index from 0 to 0/,
  );
  assert.throws(
    () => server.enqueue({ kind: "raw", contentType: "text/plain", body: "x", splitAt: 0 }),
    RangeError,
  );
  const res = await post(server, "/chat/completions");
  assert.equal((await res.json()).object, "chat.completion", "nothing was queued by the failed calls");
  const exchange = recordedExchange("responses-round-trips-encrypted-reasoning", 2);
  assert.equal(exchange.request.path, "/v1/responses");
  assert.equal(exchange.response.content_type, "application/json");
  assert.throws(() => recordedExchange("chat-tools-basic", 2), /use an index from 0 to 1/);
});

Deno.test("raw replies send the body as given", async () => {
  await using server = await startOpenAIServer({
    replies: [{
      kind: "raw",
      status: 502,
      contentType: "text/html",
      body: "<h1>Bad gateway</h1>",
      splitAt: 5,
    }],
  });
  const res = await post(server, "/chat/completions");
  assert.equal(res.status, 502);
  assert.equal(res.headers.get("content-type"), "text/html");
  assert.equal(await res.text(), "<h1>Bad gateway</h1>");
});

Deno.test("html and garbage replies answer 200 with a body that is not the API's, streamed or not", async () => {
  await using server = await startOpenAIServer();
  for (const stream of [false, true]) {
    server.enqueue({ kind: "html" }, { kind: "garbage" });
    const html = await post(server, "/chat/completions", { stream, messages: USER_X });
    assert.equal(html.status, 200);
    assert.equal(html.headers.get("content-type"), "text/html");
    assert.equal(await html.text(), HTML_PAGE);
    const garbage = await post(server, "/responses", { stream, input: "x" });
    assert.equal(garbage.headers.get("content-type"), "application/json");
    const text = await garbage.text();
    assert.equal(text, GARBAGE_BODY);
    assert.throws(() => JSON.parse(text), SyntaxError);
  }
});

Deno.test("unfinished streams end cleanly without the API's end, in each endpoint's shape", async () => {
  await using server = await startOpenAIServer();
  const endings: Record<string, RegExp> = {
    "/chat/completions": /finish_reason":"(stop|length)"|\[DONE\]/,
    "/completions": /finish_reason":"(stop|length)"|\[DONE\]/,
    "/responses": /response\.completed|response\.incomplete/,
  };
  for (const [path, ending] of Object.entries(endings)) {
    server.enqueue({ kind: "unfinished", chunks: ["Half ", "way"] });
    const res = await post(server, path, { stream: true, messages: USER_X, input: "x", prompt: "x" });
    const { pieces, error } = await readAll(res);
    assert.equal(error, undefined, "the body ends cleanly");
    const body = pieces.join("");
    assert.match(body, /Half /);
    assert.match(body, /way/);
    assert.doesNotMatch(body, ending, path);
  }
  server.enqueue({ kind: "unfinished", chunks: ["Whole ", "answer"] });
  const whole = await (await post(server, "/chat/completions", { messages: USER_X })).json();
  assert.equal(whole.choices[0].message.content, "Whole answer", "a whole answer is not cut");
});

Deno.test("waitForRequests resolves on arrival, and rejects on timeout or close", async () => {
  const server = await startOpenAIServer();
  const waiting = server.waitForRequests(2);
  await (await fetch(`${server.url}/models`)).body?.cancel();
  await (await fetch(`${server.url}/models`)).body?.cancel();
  await waiting;
  await server.waitForRequests(1);
  await assert.rejects(server.waitForRequests(3, 20), /Waited 20 ms for 3 requests but received 2/);
  const pending = assert.rejects(server.waitForRequests(5), /Server closed after 2 requests, before 5/);
  await server.close();
  await pending;
});
