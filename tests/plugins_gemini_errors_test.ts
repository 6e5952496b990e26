/**
 * How the Gemini plugin fails: HTTP errors with Google's documented body (`{"error": {"code", "message",
 * "status"}}`) as one-line messages with a hint, errors sent inside the stream, streams cut after 1, 8 and
 * 64 bytes and mid-answer, a stream that ends without a finishReason, a blocked prompt, the timeout option,
 * cancelling, an unreachable host and a missing key; and the JSON-array reader on its own.
 */
import assert from "node:assert/strict";
import { cliErrorMessage } from "../lib/cli/error_messages.ts";
import plugin from "../plugins/gemini/mod.ts";
import { IncompleteJsonError, JsonArraySplitter, readJsonArray } from "../plugins/gemini/json_array.ts";
import { getModel } from "../lib/default_registry.ts";
import { loadPlugin, unloadPlugin } from "../lib/plugins/runtime.ts";
import type { Response } from "../lib/models/response.ts";
import { tempUserDir } from "./support/env.ts";
import { bodyText, geminiRecording, type GeminiServer, startGeminiServer } from "./support/gemini_server.ts";
import { pacedStream, splitBytes } from "./support/sse.ts";

const KEY = "test-key";
const MODEL = "gemini/gemini-flash-latest";
/** The recorded answer to "Name for a pet pelican": a thought, "Scoop", then the finishReason chunk. */
const PROMPT_BODY = bodyText(geminiRecording("prompt")[0]);

async function withGemini(fn: (gemini: GeminiServer) => Promise<void>): Promise<void> {
  await using gemini = await startGeminiServer();
  await using _dir = await tempUserDir({ LLM_GEMINI_BASE_URL: gemini.url, LLM_GEMINI_KEY: undefined });
  await loadPlugin(plugin);
  try {
    await fn(gemini);
  } finally {
    unloadPlugin("llm-gemini");
  }
}

function ask(options: Record<string, unknown> = {}, signal?: AbortSignal): Response {
  return getModel("gemini-flash-latest").prompt("Name for a pet pelican, just the name", {
    key: KEY,
    options,
    signal,
  });
}

/** Runs a prompt that must fail; returns the error, after checking it is one line of the expected kind. */
async function failure(response: Response, kind: string): Promise<{ message: string; status?: number }> {
  await assert.rejects(response.text());
  const error = response.error as { name: string; message: string; kind: string; status?: number };
  assert.equal(error.name, "ModelError", error.message);
  assert.equal(error.kind, kind, error.message);
  assert.doesNotMatch(error.message, /\n/, "one line");
  assert.doesNotMatch(error.message, /\.$/, "no trailing period");
  return error;
}

const ERRORS: [number, Record<string, unknown>, string][] = [
  [
    400,
    {
      code: 400,
      message: "API key not valid. Please pass a valid API key.",
      status: "INVALID_ARGUMENT",
      details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }],
    },
    `Gemini API error for ${MODEL} (HTTP 400 INVALID_ARGUMENT): API key not valid. Please pass a valid API key; ` +
    "check the key: set it with 'llm keys set gemini' or the LLM_GEMINI_KEY environment variable",
  ],
  [
    400,
    {
      code: 400,
      message:
        "Invalid JSON payload received. Unknown name \"topQ\" at 'generation_config': Cannot find field.",
      status: "INVALID_ARGUMENT",
    },
    `Gemini API error for ${MODEL} (HTTP 400 INVALID_ARGUMENT): Invalid JSON payload received. Unknown name ` +
    `"topQ" at 'generation_config': Cannot find field; check the prompt, its options, schema and attachments`,
  ],
  [
    401,
    {
      code: 401,
      message:
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie\n" +
        "or other valid authentication credential.",
      status: "UNAUTHENTICATED",
    },
    `Gemini API error for ${MODEL} (HTTP 401 UNAUTHENTICATED): Request had invalid authentication ` +
    "credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential; " +
    "check the key: set it with 'llm keys set gemini' or the LLM_GEMINI_KEY environment variable",
  ],
  [
    403,
    {
      code: 403,
      message: "Generative Language API has not been used in project 1234 before or it is disabled.",
      status: "PERMISSION_DENIED",
    },
    `Gemini API error for ${MODEL} (HTTP 403 PERMISSION_DENIED): Generative Language API has not been used ` +
    "in project 1234 before or it is disabled; the key cannot use this model or API: check the key's " +
    "project and that the Generative Language API is enabled for it",
  ],
  [
    404,
    {
      code: 404,
      message: "models/gemini-flash-latest is not found for API version v1beta, or is not supported for " +
        "generateContent.",
      status: "NOT_FOUND",
    },
    `Gemini API error for ${MODEL} (HTTP 404 NOT_FOUND): models/gemini-flash-latest is not found for API ` +
    "version v1beta, or is not supported for generateContent; check the model id; 'llm gemini models' " +
    "lists the models the API offers",
  ],
  [
    429,
    { code: 429, message: "Resource has been exhausted (e.g. check quota).", status: "RESOURCE_EXHAUSTED" },
    `Gemini API error for ${MODEL} (HTTP 429 RESOURCE_EXHAUSTED): Resource has been exhausted (e.g. check ` +
    "quota); you hit a rate limit or used up your quota: wait a minute and try again, or check your plan",
  ],
  [
    500,
    {
      code: 500,
      message: "An internal error has occurred. Please retry or report in " +
        "https://developers.generativeai.google/guide/troubleshooting",
      status: "INTERNAL",
    },
    `Gemini API error for ${MODEL} (HTTP 500 INTERNAL): An internal error has occurred. Please retry or ` +
    "report in https://developers.generativeai.google/guide/troubleshooting; Google's servers failed on " +
    "this request: try again, perhaps with a shorter prompt or another model",
  ],
  [
    503,
    { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" },
    `Gemini API error for ${MODEL} (HTTP 503 UNAVAILABLE): The model is overloaded. Please try again ` +
    "later; the model is overloaded or down for now: try again in a little while, or use another model",
  ],
];

Deno.test("HTTP errors with Google's error body are one line: status, Google's message and what to do", () =>
  withGemini(async (gemini) => {
    for (const [status, error, expected] of ERRORS) {
      // The streaming endpoint wraps its error in an array; the others send the object alone.
      for (const body of [{ error }, [{ error }]]) {
        gemini.enqueue({ kind: "body", status, body: JSON.stringify(body, null, 2) });
        const caught = await failure(ask(), "http");
        assert.equal(caught.message, expected);
        assert.equal(caught.status, status);
      }
    }
    gemini.enqueue({
      kind: "body",
      status: 502,
      contentType: "text/html",
      body: "<html>\n<b>Bad gateway</b></html>",
    });
    const proxy = await failure(ask(), "http");
    assert.equal(
      proxy.message,
      `Gemini API error for ${MODEL} (HTTP 502): <html> <b>Bad gateway</b></html>; try again later`,
    );
  }));

Deno.test("an error element inside the stream fails the response, keeping the text before it", () =>
  withGemini(async (gemini) => {
    const chunks = JSON.parse(PROMPT_BODY);
    const error = { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } };
    gemini.enqueue({ kind: "body", body: JSON.stringify([chunks[0], chunks[1], error]) });
    const response = ask();
    const caught = await failure(response, "stream");
    assert.equal(
      caught.message,
      "Gemini reported an error while answering (503 UNAVAILABLE): The model is overloaded; the model is " +
        "overloaded or down for now: try again in a little while, or use another model",
    );
    assert.equal(response.textSoFar(), "Scoop");
  }));

Deno.test("a connection cut after 1, 8 or 64 bytes, or mid-answer, is a stream error that keeps the text", () =>
  withGemini(async (gemini) => {
    const afterScoop = PROMPT_BODY.indexOf("\n,\r\n{", PROMPT_BODY.indexOf('"Scoop"'));
    for (const cut of [1, 8, 64, afterScoop]) {
      gemini.enqueue({ kind: "drop", body: PROMPT_BODY.slice(0, cut) });
      const response = ask();
      const caught = await failure(response, "stream");
      assert.match(
        caught.message,
        new RegExp(
          `^The Gemini stream for gemini/gemini-flash-latest stopped before the answer was finished ` +
            `\\(the connection broke off \\(.+\\)\\); try again$`,
        ),
      );
      assert.equal(response.textSoFar(), cut === afterScoop ? "Scoop" : "");
    }
  }));

Deno.test("a stream that ends without a finishReason is an error; usage so far is kept", () =>
  withGemini(async (gemini) => {
    const chunks = JSON.parse(PROMPT_BODY);
    gemini.enqueue({ kind: "body", body: JSON.stringify(chunks.slice(0, 2)) });
    const response = ask();
    const caught = await failure(response, "stream");
    assert.equal(
      caught.message,
      "The Gemini stream for gemini/gemini-flash-latest ended without a finishReason, so the answer may be " +
        "cut short; try again",
    );
    assert.equal(response.textSoFar(), "Scoop");
    assert.equal(response.usageSoFar().output, 293);

    // A body cut cleanly inside the array, before the finishReason: the same kind of error.
    gemini.enqueue({ kind: "body", body: PROMPT_BODY.slice(0, PROMPT_BODY.lastIndexOf("\n,\r\n{")) });
    assert.match(
      (await failure(ask(), "stream")).message,
      /stopped before the answer was finished \(the body ended/,
    );

    // Once the finishReason has arrived, a missing closing bracket costs nothing.
    gemini.enqueue({ kind: "body", body: PROMPT_BODY.slice(0, PROMPT_BODY.lastIndexOf("]")) });
    assert.equal(await ask().text(), "Scoop");
  }));

Deno.test("a prompt Gemini blocks says so", () =>
  withGemini(async (gemini) => {
    const blocked = {
      promptFeedback: { blockReason: "PROHIBITED_CONTENT" },
      usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
      modelVersion: "gemini-3.6-flash",
    };
    gemini.enqueue({ kind: "body", body: JSON.stringify([blocked]) });
    const response = ask();
    const caught = await failure(response, "other");
    assert.equal(
      caught.message,
      "Gemini refused the prompt (blockReason PROHIBITED_CONTENT); rephrase it or remove what it objects to",
    );
    assert.deepEqual(response.usageSoFar(), { input: 9, output: 0, details: null });
  }));

Deno.test("-o timeout gives up when nothing arrives for that long; cancelling stops the read at once", () =>
  withGemini(async (gemini) => {
    const half = Math.ceil(PROMPT_BODY.length / 2);
    gemini.enqueue({ kind: "body", body: PROMPT_BODY, splitAt: half, delayMs: 3_000 });
    let started = performance.now();
    const timedOut = await failure(ask({ timeout: "0.3" }), "connection");
    assert.equal(
      timedOut.message,
      "Gemini sent nothing for 0.3 s (the timeout option); try again, or raise -o timeout",
    );
    assert.ok(performance.now() - started < 2_500, "the timeout did not stop the wait");

    // With a generous timeout the same slow stream is read to the end.
    gemini.enqueue({ kind: "body", body: PROMPT_BODY, splitAt: half, delayMs: 50 });
    assert.equal(await ask({ timeout: 5 }).text(), "Scoop");

    gemini.enqueue({ kind: "body", body: PROMPT_BODY, splitAt: half, delayMs: 3_000 });
    const controller = new AbortController();
    const response = ask({}, controller.signal);
    started = performance.now();
    const events = response.streamEvents();
    await events.next(); // the thought summary, in the first half
    controller.abort();
    await assert.rejects(response.text(), { name: "CancelledError" });
    assert.equal(response.status, "cancelled");
    assert.ok(performance.now() - started < 2_500, "cancelling did not abort the read");
  }));

Deno.test("an unreachable host and a missing key say what to do", () =>
  withGemini(async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const closed = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
    listener.close();
    Deno.env.set("LLM_GEMINI_BASE_URL", closed);
    const unreachable = await failure(ask(), "connection");
    assert.match(
      unreachable.message,
      new RegExp(
        `^Cannot reach the Gemini API at ${closed} \\(.+\\); check your connection, or LLM_GEMINI_BASE_URL ` +
          "if you set it$",
      ),
    );
    const missing = await getModel("gemini-flash-latest").prompt("hi").text().then(() => undefined, (e) => e);
    assert.equal(missing?.name, "NeedsKeyError");
    assert.equal(
      cliErrorMessage(missing),
      "No key found - add one using 'llm keys set gemini' or set the LLM_GEMINI_KEY environment variable",
    );
  }));

Deno.test("the JSON-array reader: elements as they complete, whatever the cuts, strings with brackets", async () => {
  const elements = [
    { text: "a ] b } c [ {", quote: 'say "hi" \\ there' },
    { nested: { list: [1, [2, { x: "]" }]], empty: {} } },
    { emoji: "pélican 🐦", escaped: "\u00e9\\u00e9" },
  ];
  const body = "[" + elements.map((e) => JSON.stringify(e, null, 2)).join("\n,\r\n") + "]\n";
  const bytes = new TextEncoder().encode(body);
  for (const size of [1, 2, 3, 7, 64, bytes.length]) {
    const stream = pacedStream(splitBytes(bytes, size), { signal: new AbortController().signal });
    assert.deepEqual(await Array.fromAsync(readJsonArray(stream)), elements, `pieces of ${size} bytes`);
  }
  // Elements come out as soon as they close, before the rest has arrived.
  const splitter = new JsonArraySplitter();
  assert.deepEqual(splitter.push('[{"a": 1}\n,\r\n{"b"'), [{ a: 1 }]);
  assert.deepEqual(splitter.push(": 2}"), [{ b: 2 }]);
  assert.equal(splitter.closed, false);
  assert.deepEqual(splitter.push("]"), []);
  assert.equal(splitter.closed, true);
  // A body that is one object (an error, or a non-streamed answer) is its one element.
  assert.deepEqual(await Array.fromAsync(readJsonArray(new Blob(['{"error": {"code": 1}}']).stream())), [
    { error: { code: 1 } },
  ]);
  await assert.rejects(
    Array.fromAsync(readJsonArray(new Blob(["<html>oops</html>"]).stream())),
    { name: "MalformedJsonError", message: 'The body is not a JSON array: "<html>oops</html>"' },
  );
  await assert.rejects(
    Array.fromAsync(readJsonArray(new Blob(['[{"a": 1}, 7]']).stream())),
    { name: "MalformedJsonError", message: 'Expected a JSON object in the array: "7]"' },
  );
  const cut = await Array.fromAsync(readJsonArray(new Blob(['[{"a": 1}, {"b": ']).stream())).catch((e) => e);
  assert.ok(cut instanceof IncompleteJsonError);
  assert.equal(cut.elements, 1);
  assert.equal(cut.connectionLost, false);
});
