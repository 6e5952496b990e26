/**
 * A loopback OpenAI-compatible HTTP server for tests: real HTTP on 127.0.0.1 with a random port, real SSE.
 * It records every request and answers from a FIFO of scripted replies, echoing the last user message when the
 * queue is empty. It answers `POST .../chat/completions`, `.../responses`, `.../completions` and
 * `GET .../models` under any base path (routing is by suffix), so `api_base` settings can be tested too.
 *
 * ```ts
 * await using server = await startOpenAIServer();
 * server.enqueue({ kind: "text", text: "Hi there" }, { kind: "status", status: 429 });
 * // point the code under test at server.url, then inspect server.requests
 * ```
 * @module
 */

import {
  countWords,
  type Endpoint,
  endpointOf,
  inputWordCount,
  jsonBody,
  lastUserText,
  malformedFrames,
  modelList,
  type ReplyUsage,
  type ShapeContext,
  streamFrames,
  type TextPlan,
  wantsStream,
  wordChunks,
} from "./openai_shapes.ts";
import { recordedExchange } from "./openai_recorded.ts";
import { byteLength, encodePieces, pacedStream, splitBytes } from "./sse.ts";

/** One request the server received. */
export interface RecordedRequest {
  /** HTTP method, e.g. `POST`. */
  method: string;
  /** URL path without the query, e.g. `/v1/chat/completions`. */
  path: string;
  /** Request headers with lower-case names (`authorization`, `content-type`, ...). */
  headers: Record<string, string>;
  /** The body parsed as JSON; the raw text when it is not JSON; `null` when empty. Typed loosely for tests. */
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** A scripted answer to one request. */
export type Reply =
  /** Answers `Echo: <last user text>` in the endpoint's shape, streamed when the request has `stream: true`. */
  | { kind: "echo" }
  /**
   * Answers `text`, streamed as `chunks` (default: word by word), with `usage` (default: word counts);
   * `eventsPerWrite` groups that many SSE events in each socket write (how a fast network delivers them),
   * one event per write by default.
   */
  | { kind: "text"; text: string; chunks?: string[]; usage?: ReplyUsage; eventsPerWrite?: number }
  /**
   * Replays interaction `index` (default 0) of a recorded fixture: a file name in
   * `tests/fixtures/openai-recorded/` (`.json` optional) or an absolute path. `splitAt` writes the body in
   * pieces of that many bytes, flushed one by one, to exercise parsers.
   */
  | { kind: "recorded"; file: string; index?: number; splitAt?: number }
  /**
   * An HTTP error with an OpenAI-style error body (or `body`) and extra `headers` (e.g. `retry-after`).
   * The SDK retries 408, 409, 429 and 5xx by default: create it with `maxRetries: 0`, or queue one per attempt.
   */
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
  /** Streams text `chunks`, waiting `delayMs` between two of them; each is flushed as it is written. */
  | { kind: "slow"; chunks: string[]; delayMs: number }
  /** Streams text `chunks`, then cuts the connection: the client's body read fails. */
  | { kind: "drop"; chunks: string[] }
  /** A stream with a truncated event and a `data:` line that is not JSON (a broken JSON body when not streamed). */
  | { kind: "malformed" }
  /** Sends `body` as is, with `contentType` and `status` (default 200), cut every `splitAt` bytes if given. */
  | { kind: "raw"; status?: number; contentType: string; body: string; splitAt?: number }
  /** A proxy's HTML error page (`text/html`) with status 200, whatever was asked, streamed or not. */
  | { kind: "html" }
  /** Bytes that are not JSON, labelled `application/json`, with status 200, streamed or not. */
  | { kind: "garbage" }
  /**
   * Streams text `chunks` in the endpoint's shape, then ends the body cleanly without the API's end: no
   * `finish_reason`, no `[DONE]`, no `response.completed`. A request that does not stream gets the whole answer.
   */
  | { kind: "unfinished"; chunks: string[] };

/** The page {@link Reply} `html` sends. */
export const HTML_PAGE =
  "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1></body></html>\n";

/** The body {@link Reply} `garbage` sends. */
export const GARBAGE_BODY = "\u0000\u0001}{ not json ][\u0002";

/** A running loopback server. */
export interface OpenAIServer extends AsyncDisposable {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:41234/v1`. */
  url: string;
  /** `http://127.0.0.1:41234`. */
  origin: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Queues replies (first in, first out); when the queue is empty the server echoes. */
  enqueue(...replies: Reply[]): void;
  /** Resolves once `n` requests have been received; rejects after `timeoutMs` (default 10 s) or on close. */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  /** Stops the server, cutting any stream still in flight. Safe to call twice. */
  close(): Promise<void>;
}

/** Options of {@linkcode startOpenAIServer}. */
export interface OpenAIServerOptions {
  /** Replies queued before the first request. */
  replies?: Reply[];
}

export {
  loadRecording,
  type RecordedExchange,
  recordedExchange,
  RecordedFixtureError,
} from "./openai_recorded.ts";

/** A scripted reply that cannot be used, or a wait that failed. */
export class OpenAIServerError extends Error {
  /** Creates the error with an actionable `message`. */
  constructor(message: string) {
    super(message);
    this.name = "OpenAIServerError";
  }
}

/** How a text answer is paced: all at once, slowly, cut short, or ended without the API's end. */
interface Pace {
  mode: "whole" | "slow" | "drop" | "unfinished";
  delayMs?: number;
  /** Aborts when the client goes away, to end a slow wait early. */
  clientGone?: AbortSignal;
  /** SSE events per socket write (default 1). */
  eventsPerWrite?: number;
}

/** What a reply needs to know about the request it answers. */
interface IncomingRequest {
  endpoint: Endpoint;
  body: unknown;
  clientGone: AbortSignal;
}

/** Checks a reply when it is queued, so a mistake fails at the `enqueue` call rather than mid-request. */
function validate(reply: Reply): void {
  if (reply.kind === "recorded") recordedExchange(reply.file, reply.index);
  if ((reply.kind === "recorded" || reply.kind === "raw") && reply.splitAt !== undefined) {
    splitBytes(new Uint8Array(0), reply.splitAt);
  }
  if (reply.kind === "slow" && !(reply.delayMs >= 0)) {
    throw new OpenAIServerError(`Slow reply delay ${reply.delayMs} is not valid: use milliseconds >= 0`);
  }
}

const ERRORS: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: "Invalid request", type: "invalid_request_error", code: null },
  401: {
    message:
      "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
    type: "invalid_request_error",
    code: "invalid_api_key",
  },
  404: {
    message: "The model does not exist or you do not have access to it.",
    type: "invalid_request_error",
    code: "model_not_found",
  },
  429: {
    message: "Rate limit reached for requests. Please try again later.",
    type: "requests",
    code: "rate_limit_exceeded",
  },
  500: {
    message: "The server had an error while processing your request. Sorry about that!",
    type: "server_error",
    code: null,
  },
};

/** The OpenAI-style error body for a status code. */
function errorBody(status: number): Record<string, unknown> {
  const known = ERRORS[status] ??
    { message: `Error with status ${status}`, type: "server_error", code: null };
  return { error: { message: known.message, type: known.type, param: null, code: known.code } };
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return new Response(text, { status, headers: { "content-type": "application/json", ...headers } });
}

function parseBody(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Waits `ms`, or less if `signal` aborts; never leaves a timer behind. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

/**
 * Starts the server on 127.0.0.1 with a random free port. Close it with `await server.close()` or declare it
 * with `await using` so it closes when the test scope ends.
 */
export function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const queue: Reply[] = [];
  const requests: RecordedRequest[] = [];
  const waiters = new Set<{ n: number; resolve: () => void; reject: (error: Error) => void }>();
  const closing = new AbortController();
  const signal = closing.signal;
  let serial = 0;

  const enqueue = (...replies: Reply[]): void => {
    replies.forEach(validate);
    queue.push(...replies);
  };
  enqueue(...options.replies ?? []);

  /** A body written piece by piece; `declaredLength` longer than the pieces makes the end an abrupt cut. */
  const streamed = (
    pieces: Uint8Array[],
    init: { status?: number; contentType: string; delayMs?: number; declaredLength?: number },
  ): Response => {
    const headers: Record<string, string> = { "content-type": init.contentType, "cache-control": "no-cache" };
    if (init.declaredLength !== undefined) headers["content-length"] = String(init.declaredLength);
    const body = pacedStream(pieces, { delayMs: init.delayMs, signal });
    return new Response(body, { status: init.status ?? 200, headers });
  };

  const answerText = async (
    ctx: ShapeContext,
    plan: TextPlan,
    pace: Pace = { mode: "whole" },
  ): Promise<Response> => {
    const { mode, delayMs = 0 } = pace;
    if (!wantsStream(ctx)) {
      const text = JSON.stringify(jsonBody(ctx, plan));
      if (mode === "slow") {
        const waitMs = delayMs * Math.max(plan.chunks.length - 1, 0);
        await sleep(waitMs, pace.clientGone ? AbortSignal.any([signal, pace.clientGone]) : signal);
      }
      if (mode !== "drop") return json(text);
      const body = new TextEncoder().encode(text);
      const half = body.subarray(0, Math.floor(body.length / 2));
      return streamed([half], { contentType: "application/json", declaredLength: body.length });
    }
    const frames = streamFrames(ctx, plan, mode !== "drop" && mode !== "unfinished");
    const perWrite = Math.max(1, pace.eventsPerWrite ?? 1);
    const grouped = perWrite === 1
      ? frames
      : Array.from({ length: Math.ceil(frames.length / perWrite) }, (_, i) =>
        frames.slice(i * perWrite, (i + 1) * perWrite).join(""));
    const pieces = encodePieces(grouped);
    const contentType = "text/event-stream; charset=utf-8";
    if (mode === "whole" || mode === "unfinished") return streamed(pieces, { contentType });
    // A content-length covering the whole stream (or more, for a drop) makes a short body an error at the client.
    const declaredLength = byteLength(pieces) + (mode === "drop" ? 1024 : 0);
    return streamed(pieces, { contentType, delayMs, declaredLength });
  };

  const answer = (reply: Reply, request: IncomingRequest): Promise<Response> | Response => {
    const { endpoint } = request;
    if (reply.kind === "status") {
      return json(
        reply.body === undefined ? errorBody(reply.status) : reply.body,
        reply.status,
        reply.headers,
      );
    }
    if (reply.kind === "raw") {
      const bytes = new TextEncoder().encode(reply.body);
      const pieces = reply.splitAt === undefined ? [bytes] : splitBytes(bytes, reply.splitAt);
      return streamed(pieces, { status: reply.status, contentType: reply.contentType });
    }
    if (reply.kind === "html") {
      return streamed([new TextEncoder().encode(HTML_PAGE)], { contentType: "text/html" });
    }
    if (reply.kind === "garbage") {
      return streamed([new TextEncoder().encode(GARBAGE_BODY)], { contentType: "application/json" });
    }
    if (reply.kind === "recorded") {
      const { response } = recordedExchange(reply.file, reply.index);
      const bytes = new TextEncoder().encode(response.body);
      const pieces = reply.splitAt === undefined ? [bytes] : splitBytes(bytes, reply.splitAt);
      return streamed(pieces, { status: response.status, contentType: response.content_type });
    }
    if (endpoint === "models") return json(modelList());
    const body = typeof request.body === "object" && request.body !== null && !Array.isArray(request.body)
      ? request.body as Record<string, unknown>
      : {};
    const ctx: ShapeContext = { endpoint, request: body, serial: ++serial };
    const usageFor = (text: string): ReplyUsage => ({ input: inputWordCount(ctx), output: countWords(text) });
    switch (reply.kind) {
      case "echo": {
        const text = `Echo: ${lastUserText(ctx)}`;
        return answerText(ctx, { text, chunks: wordChunks(text), usage: usageFor(text) });
      }
      case "text": {
        const plan = { text: reply.text, chunks: reply.chunks ?? wordChunks(reply.text) };
        return answerText(ctx, { ...plan, usage: reply.usage ?? usageFor(reply.text) }, {
          mode: "whole",
          eventsPerWrite: reply.eventsPerWrite,
        });
      }
      case "unfinished": {
        const text = reply.chunks.join("");
        return answerText(ctx, { text, chunks: reply.chunks, usage: usageFor(text) }, { mode: "unfinished" });
      }
      case "slow":
      case "drop": {
        const text = reply.chunks.join("");
        const plan = { text, chunks: reply.chunks, usage: usageFor(text) };
        const delayMs = reply.kind === "slow" ? reply.delayMs : 0;
        return answerText(ctx, plan, { mode: reply.kind, delayMs, clientGone: request.clientGone });
      }
      case "malformed":
        if (!wantsStream(ctx)) return json('{"id":"chatcmpl-broken","choices":[{"message":');
        return streamed(encodePieces(malformedFrames(ctx)), {
          contentType: "text/event-stream; charset=utf-8",
        });
    }
  };

  const handle = async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    const body = parseBody(await req.text());
    requests.push({ method: req.method, path, headers: Object.fromEntries(req.headers), body });
    for (const waiter of waiters) if (requests.length >= waiter.n) waiter.resolve();
    const endpoint = endpointOf(path);
    const allowed = endpoint === "models" ? req.method === "GET" : req.method === "POST";
    if (!endpoint || !allowed) {
      const message =
        `No route for ${req.method} ${path}: the test server answers POST .../chat/completions, ` +
        `.../responses, .../completions and GET .../models`;
      return json(
        { error: { message, type: "invalid_request_error", param: null, code: "unknown_url" } },
        404,
      );
    }
    return await answer(queue.shift() ?? { kind: "echo" }, { endpoint, body, clientGone: req.signal });
  };

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, signal, onListen() {} }, handle);
  const origin = `http://127.0.0.1:${server.addr.port}`;
  let closed: Promise<void> | undefined;

  const waitForRequests = (n: number, timeoutMs = 10_000): Promise<void> => {
    if (requests.length >= n) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        n,
        resolve: () => finish(() => resolve()),
        reject: (error: Error) => finish(() => reject(error)),
      };
      const timer = setTimeout(() => {
        waiter.reject(
          new OpenAIServerError(
            `Waited ${timeoutMs} ms for ${n} requests but received ${requests.length}: check the code under ` +
              `test reaches ${origin}`,
          ),
        );
      }, timeoutMs);
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        waiters.delete(waiter);
        settle();
      };
      waiters.add(waiter);
    });
  };

  const close = (): Promise<void> => {
    closed ??= (async () => {
      for (const waiter of [...waiters]) {
        waiter.reject(
          new OpenAIServerError(`Server closed after ${requests.length} requests, before ${waiter.n}`),
        );
      }
      closing.abort();
      await server.finished;
    })();
    return closed;
  };

  return Promise.resolve({
    url: `${origin}/v1`,
    origin,
    requests,
    enqueue,
    waitForRequests,
    close,
    [Symbol.asyncDispose]: close,
  });
}
