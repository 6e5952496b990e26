/**
 * How the OpenAI models fail: each failure is a typed `ModelError` (or `InvalidOptionError`) with a one-line
 * message that says what happened and what to do, the right `kind` and `status`, and the text received so far
 * kept on the response.
 */
import assert from "node:assert/strict";
import { cliErrorMessage } from "../lib/cli/error_messages.ts";
import { CancelledError, getModel, InvalidOptionError, ModelError, type Response } from "../mod.ts";
import { tempUserDir } from "./support/env.ts";
import { startOpenAIServer } from "./support/openai_server.ts";
import { sseEvent } from "./support/sse.ts";

async function setup(env: Record<string, string> = {}) {
  const server = await startOpenAIServer();
  const dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test", ...env });
  return {
    server,
    async [Symbol.asyncDispose]() {
      await dir[Symbol.asyncDispose]();
      await server.close();
    },
  };
}

/** The error a response fails with (fails the test if it succeeds). */
async function failure(response: Response): Promise<Error> {
  const error = await response.text().then(() => undefined, (e: Error) => e);
  assert.ok(error, "the response should have failed");
  assert.equal(error.message.includes("\n"), false, `one line: ${error.message}`);
  assert.equal(error.message.endsWith("."), false, `no trailing period: ${error.message}`);
  return error;
}

Deno.test("HTTP errors are ModelErrors with the status, the API's message and what to do", async () => {
  await using env = await setup();
  const { server } = env;
  const cases: [number, RegExp][] = [
    [401, /^API error 401: Incorrect API key provided.*; check the key set with 'llm keys set openai'$/],
    [
      429,
      /^API error 429: Rate limit reached.*; you are being rate limited or are out of quota: wait, then try/,
    ],
    [500, /^API error 500: The server had an error.*; the server failed: try again later$/],
    [404, /^API error 404: The model does not exist.*; check the model name and the API base URL$/],
  ];
  for (const [status, pattern] of cases) {
    for (const model of ["gpt-4o-mini", "gpt-5.6-luna"]) {
      server.enqueue({ kind: "status", status });
      const response = getModel(model).prompt("hi");
      const error = await failure(response);
      assert.ok(error instanceof ModelError, `${status} ${model}`);
      assert.equal(error.kind, "http");
      assert.equal(error.status, status);
      // The CLI's wording (the 401 hint names the `llm keys set` command; the library says "check the API key").
      assert.match(cliErrorMessage(error), pattern);
      assert.ok(!/'llm /.test(error.message), error.message);
      assert.equal(response.status, "failed");
    }
  }
  // LLM_OPENAI_MAX_RETRIES=0 (set by tempUserDir): one request per failure, no retries.
  assert.equal(server.requests.length, cases.length * 2);
});

Deno.test("with retries on, a 500 followed by a 200 succeeds", async () => {
  await using env = await setup({ LLM_OPENAI_MAX_RETRIES: "2" });
  const { server } = env;
  server.enqueue({ kind: "status", status: 500, headers: { "retry-after-ms": "0" } }, {
    kind: "text",
    text: "ok now",
  });
  const started = performance.now();
  assert.equal(await getModel("gpt-4o-mini").prompt("hi").text(), "ok now");
  assert.equal(server.requests.length, 2);
  assert.ok(performance.now() - started < 2000, "retry-after-ms: 0 means no long wait");
});

Deno.test("a refused connection names the base URL", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const url = `http://127.0.0.1:${port}/v1`;
  await using _dir = await tempUserDir({ OPENAI_BASE_URL: url, OPENAI_API_KEY: "sk-test" });
  for (const model of ["gpt-4o-mini", "gpt-5.5", "3.5-instruct"]) {
    const error = await failure(getModel(model).prompt("hi"));
    assert.ok(error instanceof ModelError);
    assert.equal(error.kind, "connection");
    assert.ok(error.message.startsWith(`Could not connect to ${url}: `), error.message);
    assert.ok(error.message.endsWith("Check the API base URL and that the server is running"));
  }
});

Deno.test("a stream dropped midway keeps the text received so far", async () => {
  await using env = await setup();
  const { server } = env;
  for (const model of ["gpt-4o-mini", "gpt-5.5", "3.5-instruct"]) {
    server.enqueue({ kind: "drop", chunks: ["Hello", " wor"] });
    const response = getModel(model).prompt("hi");
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of response) seen.push(chunk);
    })().then(() => undefined, (e: Error) => e);
    assert.ok(error instanceof ModelError, model);
    assert.equal(error.kind, "stream");
    assert.match(
      error.message,
      /^The connection was lost before the response finished \(.+\); 9 characters arrived/,
    );
    assert.equal(seen.join(""), "Hello wor");
    assert.equal(response.textSoFar(), "Hello wor");
    assert.equal(response.status, "failed");
    assert.equal(await failure(response), error, "text() rejects with the same error");
  }
  // Not streamed: the body is cut in half.
  server.enqueue({ kind: "drop", chunks: ["Hello", " world"] });
  const error = await failure(getModel("gpt-4o-mini").prompt("hi", { stream: false }));
  assert.ok(error instanceof ModelError);
  assert.equal(error.kind, "stream");
});

Deno.test("a malformed stream or body fails with a stream error naming the server", async () => {
  await using env = await setup();
  const { server } = env;
  for (const [model, stream] of [["gpt-4o-mini", true], ["gpt-5.5", true], ["gpt-4o-mini", false]] as const) {
    server.enqueue({ kind: "malformed" });
    const response = getModel(model).prompt("hi", { stream });
    const error = await failure(response);
    assert.ok(error instanceof ModelError);
    assert.equal(error.kind, "stream");
    // A whole body that is not JSON names its content type and first bytes (issue 12).
    const start = stream
      ? `The server at ${server.url} sent a malformed response (`
      : `The server at ${server.url} answered with application/json, not the API's response (it begins ` +
        `'{"id":"chatcmpl-broken","choices":[{"message":')`;
    assert.ok(error.message.startsWith(start), error.message);
    assert.ok(error.message.endsWith("check that it is an OpenAI-compatible API, then try again"));
    assert.equal(response.textSoFar(), stream ? "Echo" : "");
  }
});

Deno.test("a Responses stream that reports failure gives the API's reason", async () => {
  await using env = await setup();
  const { server } = env;
  const failed = {
    type: "response.failed",
    response: {
      id: "resp_1",
      status: "failed",
      error: { code: "server_error", message: "Something broke." },
    },
  };
  const body = sseEvent({ type: "response.output_text.delta", delta: "Par" }, "response.output_text.delta") +
    sseEvent(failed, "response.failed");
  server.enqueue({ kind: "raw", contentType: "text/event-stream", body });
  const response = getModel("gpt-5.5").prompt("hi");
  const error = await failure(response);
  assert.ok(error instanceof ModelError);
  assert.equal(error.message, "The API reported that the response failed: Something broke. Try again");
  assert.equal(response.textSoFar(), "Par");
});

Deno.test("a slow stream cancelled with an AbortSignal ends with CancelledError and keeps its text", async () => {
  await using env = await setup();
  const { server } = env;
  for (const model of ["gpt-4o-mini", "gpt-5.5"]) {
    server.enqueue({ kind: "slow", chunks: ["one", " two", " three", " four"], delayMs: 5_000 });
    const controller = new AbortController();
    const response = getModel(model).prompt("hi", { signal: controller.signal });
    const started = performance.now();
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of response) {
        seen.push(chunk);
        controller.abort();
      }
    })().then(() => undefined, (e: Error) => e);
    assert.ok(error instanceof CancelledError, `${model}: ${error}`);
    assert.equal(error.kind, "cancelled");
    assert.equal(error.exitCode, 130);
    assert.equal(response.status, "cancelled");
    assert.equal(response.textSoFar(), "one");
    assert.deepEqual(seen, ["one"]);
    assert.ok(performance.now() - started < 2_000, "cancelling does not wait for the slow server");
  }
});

Deno.test("bad option values fail before any request, each with its option's message", async () => {
  await using env = await setup();
  const { server } = env;
  const cases: [string, Record<string, unknown>, string][] = [
    [
      "gpt-5.5",
      { temperature: 3 },
      "Invalid value for option 'temperature' (3): Too big: expected number to be <=2",
    ],
    [
      "gpt-5.5",
      { temperature: "hot" },
      "Invalid value for option 'temperature' (hot): Invalid input: expected number, received string",
    ],
    [
      "gpt-4o",
      { max_tokens: 1.5 },
      "Invalid value for option 'max_tokens' (1.5): Invalid input: expected int, received number",
    ],
    ["gpt-4o", { top_p: 2 }, "Invalid value for option 'top_p' (2): Too big: expected number to be <=1"],
    [
      "gpt-4o",
      { frequency_penalty: -3 },
      "Invalid value for option 'frequency_penalty' (-3): Too small: expected number to be >=-2",
    ],
    [
      "gpt-4o",
      { presence_penalty: 3 },
      "Invalid value for option 'presence_penalty' (3): Too big: expected number to be <=2",
    ],
    [
      "gpt-4o",
      { stop: 5 },
      "Invalid value for option 'stop' (5): Invalid input: expected string, received number",
    ],
    [
      "gpt-4o",
      { logit_bias: "{bad" },
      "Invalid value for option 'logit_bias' ({bad): Invalid JSON in logit_bias string",
    ],
    [
      "gpt-4o",
      { logit_bias: '{"1": 200}' },
      `Invalid value for option 'logit_bias' ({"1": 200}): Invalid key-value pair in logit_bias dictionary: ` +
      "keys are token ids, values -100 to 100",
    ],
    [
      "gpt-4o",
      { seed: "x" },
      "Invalid value for option 'seed' (x): Invalid input: expected number, received string",
    ],
    [
      "gpt-4o",
      { json_object: "maybe" },
      "Invalid value for option 'json_object' (maybe): Invalid input: expected boolean, received string",
    ],
    [
      "gpt-4o",
      { image_detail: "original" },
      `Invalid value for option 'image_detail' (original): Invalid option: expected one of "low"|"high"|"auto"`,
    ],
    [
      "gpt-5.5",
      { reasoning_effort: "huge" },
      `Invalid value for option 'reasoning_effort' (huge): Invalid option: expected one of ` +
      `"none"|"minimal"|"low"|"medium"|"high"|"xhigh"|"max"`,
    ],
    [
      "gpt-5.5",
      { verbosity: "loud" },
      `Invalid value for option 'verbosity' (loud): Invalid option: expected one of "low"|"medium"|"high"`,
    ],
    [
      "gpt-4o",
      { verbosity: "low" },
      "Unknown option 'verbosity' for model gpt-4o. Run 'llm models --options -m gpt-4o' to list its options",
    ],
    [
      "3.5-instruct",
      { json_object: true },
      "Unknown option 'json_object' for model gpt-3.5-turbo-instruct. " +
      "Run 'llm models --options -m gpt-3.5-turbo-instruct' to list its options",
    ],
    [
      "3.5-instruct",
      { logprobs: 9 },
      "Invalid value for option 'logprobs' (9): Too big: expected number to be <=5",
    ],
  ];
  for (const [model, options, message] of cases) {
    const error = await failure(getModel(model).prompt("hi", { options }));
    assert.ok(error instanceof InvalidOptionError, message);
    assert.equal(error.option, Object.keys(options)[0]);
    assert.equal(cliErrorMessage(error), message);
  }
  // Strings from the command line are converted first: these are valid.
  await getModel("gpt-4o").prompt("hi", { options: { temperature: "0.5", json_object: "1", seed: "3" } })
    .text();
  assert.equal(server.requests.length, 1);
  assert.deepEqual(
    [
      server.requests[0].body.temperature,
      server.requests[0].body.seed,
      server.requests[0].body.response_format,
    ],
    [0.5, 3, { type: "json_object" }],
  );
});
