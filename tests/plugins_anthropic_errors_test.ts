/**
 * The Anthropic plugin's errors: Anthropic's documented error bodies for 400/401/429/529 and an `error` event
 * mid-stream as one-line errors with a hint, retries as the SDK makes them, streams that break off, an
 * unreachable API, a missing key; and the SSE reader fed every recorded stream cut every 1, 8 and 64 bytes
 * directly (no HTTP in between to join the pieces).
 */
import assert from "node:assert/strict";
import anthropicPlugin from "../plugins/anthropic/mod.ts";
import { readEventData } from "../plugins/anthropic/client.ts";
import { ClaudeReader } from "../plugins/anthropic/stream.ts";
import { getModel } from "../lib/default_registry.ts";
import { loadPlugin, unloadPlugin } from "../lib/plugins/runtime.ts";
import { tempUserDir } from "./support/env.ts";
import { splitBytes } from "./support/sse.ts";
import {
  anthropicErrorBody,
  anthropicExchange,
  anthropicRecordingNames,
  type AnthropicServer,
  sseText,
  startAnthropicServer,
  textStreamEvents,
} from "./support/anthropic_server.ts";

async function withApi(fn: (server: AnthropicServer) => void | Promise<void>): Promise<void> {
  await using server = await startAnthropicServer();
  await using _dir = await tempUserDir({ ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: "sk-ant-test" });
  await loadPlugin(anthropicPlugin);
  try {
    await fn(server);
  } finally {
    unloadPlugin("llm-anthropic");
  }
}

/** The error a prompt fails with. */
async function errorOf(model: string): Promise<Error & { status?: number; kind?: string }> {
  const error = await getModel(model).prompt("hi").text().then(() => undefined, (e) => e);
  assert.ok(error instanceof Error, "the prompt should have failed");
  return error;
}

const HAIKU = "claude-haiku-4.5";

Deno.test("HTTP errors are one-line errors naming Anthropic's error type, with a hint", () =>
  withApi(async (server) => {
    const cases: [number, RegExp][] = [
      [
        400,
        /^Anthropic API error 400 \(invalid_request_error\): max_tokens: Field required; check the prompt/,
      ],
      [
        401,
        /^Anthropic API error 401 \(authentication_error\): invalid x-api-key; check the API key$/,
      ],
      [429, /^Anthropic API error 429 \(rate_limit_error\): .*; .*wait a moment and try again$/],
      [529, /^Anthropic API error 529 \(overloaded_error\): Overloaded; Anthropic's API is overloaded/],
    ];
    for (const [status, expected] of cases) {
      const before = server.requests.length;
      // 429 and 529 are retried twice, as the SDK retries them, before the error is shown.
      const attempts = status >= 429 ? 3 : 1;
      for (let i = 0; i < attempts; i++) {
        server.enqueue({ kind: "status", status, headers: { "retry-after": "0" } });
      }
      const error = await errorOf(HAIKU) as Error & { status?: number; kind?: string };
      assert.match(error.message, expected);
      assert.ok(!error.message.includes("\n"));
      assert.equal(error.status, status);
      assert.equal(error.kind, "http");
      assert.equal(server.requests.length - before, attempts, `${status}: attempts`);
    }
    // A retried error that then succeeds gives the answer.
    server.enqueue({ kind: "status", status: 529, headers: { "retry-after-ms": "1" } });
    assert.equal(await getModel(HAIKU).prompt("after").text(), "Echo: after");
    // x-should-retry: false is obeyed.
    const before = server.requests.length;
    server.enqueue({ kind: "status", status: 500, headers: { "x-should-retry": "false" } });
    assert.match((await errorOf(HAIKU)).message, /^Anthropic API error 500 \(api_error\)/);
    assert.equal(server.requests.length - before, 1);
    // A body that is not Anthropic's error shape is shown as it is.
    server.enqueue({ kind: "raw", status: 403, contentType: "text/html", body: "<h1>Forbidden</h1>" });
    assert.match(
      (await errorOf(HAIKU)).message,
      /^Anthropic API error 403: <h1>Forbidden<\/h1>; check the request/,
    );
    assert.deepEqual(anthropicErrorBody(529), {
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
    });
  }));

Deno.test("an error event mid-stream, a cut stream and an unreachable API fail with the text so far kept", () =>
  withApi(async (server) => {
    const start = textStreamEvents(["Hello", " there"]).slice(0, 4);
    server.enqueue({
      kind: "events",
      events: [...start, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }],
    });
    let response = getModel(HAIKU).prompt("hi");
    let error = await response.text().catch((e) => e);
    assert.match(
      error.message,
      /^Anthropic reported an error in the middle of the response \(overloaded_error\)/,
    );
    assert.equal(error.kind, "stream");
    assert.equal(response.textSoFar(), "Hello there");

    server.enqueue({ kind: "raw", contentType: "text/event-stream", body: sseText(start) });
    response = getModel(HAIKU).prompt("hi");
    error = await response.text().catch((e) => e);
    assert.match(error.message, /ended before it was finished \(no message_stop event\)/);
    assert.equal(response.textSoFar(), "Hello there");

    server.enqueue({ kind: "drop", body: sseText(start) });
    response = getModel(HAIKU).prompt("hi");
    error = await response.text().catch((e) => e);
    assert.match(error.message, /^The connection to the Anthropic API was lost before the response finished/);
    assert.equal(error.kind, "stream");

    server.enqueue({
      kind: "raw",
      contentType: "text/event-stream",
      body: "event: ping\ndata: {not json\n\n",
    });
    error = await getModel(HAIKU).prompt("hi").text().catch((e) => e);
    assert.match(error.message, /sent an event that is not JSON/);

    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const closed = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
    listener.close();
    Deno.env.set("ANTHROPIC_BASE_URL", closed);
    error = await getModel(HAIKU).prompt("hi").text().catch((e) => e);
    assert.match(error.message, new RegExp(`^Cannot reach the Anthropic API at ${closed} \\(.+\\); check`));
    assert.equal(error.kind, "connection");
  }));

Deno.test("without a key the prompt stops before any request, saying how to set one", () =>
  withApi(async (server) => {
    Deno.env.delete("ANTHROPIC_API_KEY");
    const error = await errorOf(HAIKU);
    assert.equal(
      error.message,
      "No key found for 'anthropic': give one as the key option, store it in keys.json, or set the " +
        "ANTHROPIC_API_KEY environment variable",
    );
    assert.equal(server.requests.length, 0);
  }));

Deno.test("the SSE reader gives the same events for every recording cut every 1, 8 and 64 bytes", async () => {
  const read = async (body: string, size?: number) => {
    const bytes = new TextEncoder().encode(body);
    const pieces = size ? splitBytes(bytes, size) : [bytes];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const piece = pieces.shift();
        if (piece) controller.enqueue(piece);
        else controller.close();
      },
    });
    const reader = new ClaudeReader();
    const chunks: unknown[] = [];
    for await (const batch of readEventData(stream, new AbortController().signal)) {
      for (const data of batch) {
        const out = reader.event(JSON.parse(data));
        if (out !== undefined) chunks.push(out);
      }
    }
    return { chunks, finished: reader.finished, message: reader.message, content: reader.content };
  };
  for (const name of anthropicRecordingNames()) {
    const body = anthropicExchange(name).response.body;
    const whole = await read(body);
    assert.ok(whole.finished && whole.chunks.length > 0, name);
    for (const size of [1, 8, 64]) {
      assert.deepEqual(await read(body, size), whole, `${name} cut every ${size}`);
    }
  }
  // CRLF line ends read the same as LF.
  const body = anthropicExchange("prompt").response.body;
  assert.deepEqual(await read(body.replaceAll("\n", "\r\n"), 3), await read(body));
});
