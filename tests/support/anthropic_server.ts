/**
 * A loopback Anthropic Messages API for tests: real HTTP on 127.0.0.1 with a random port, real SSE. It
 * answers `POST /v1/messages` from a FIFO of scripted replies (recorded exchanges from
 * `tests/fixtures/anthropic-recorded/`, error statuses with Anthropic's documented error body, raw bodies,
 * streams cut short) and records every request with its headers. With an empty queue it streams
 * `Echo: <last user text>` the way the API streams text.
 *
 * ```ts
 * await using server = await startAnthropicServer();
 * server.enqueue({ kind: "recorded", file: "prompt", splitAt: 8 });
 * // set ANTHROPIC_BASE_URL=server.url for the code under test, then inspect server.requests
 * ```
 *
 * Run on its own (`deno run -A tests/support/anthropic_server.ts FILE...`) it replays every exchange of the
 * given recordings in order and prints its URL, for pointing another client (Python `llm`) at it.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { pacedStream, splitBytes } from "./sse.ts";

/** One recorded request and the response the real API gave to it. */
export interface AnthropicExchange {
  /** The request the official client sent (headers are left out of the recordings). */
  // deno-lint-ignore no-explicit-any
  request: { method: string; path: string; body: any };
  /** Status, content type and body text (raw SSE text when streamed). */
  response: { status: number; content_type: string; body: string };
}

/** The folder the recordings live in. */
export const ANTHROPIC_RECORDED_DIR: URL = new URL("../fixtures/anthropic-recorded/", import.meta.url);

const cache = new Map<string, AnthropicExchange[]>();

/** The exchanges of a recording: a file name in `tests/fixtures/anthropic-recorded/` (`.json` optional). */
export function anthropicRecording(file: string): AnthropicExchange[] {
  const path = isAbsolute(file)
    ? file
    : fileURLToPath(new URL(file.endsWith(".json") ? file : `${file}.json`, ANTHROPIC_RECORDED_DIR));
  const cached = cache.get(path);
  if (cached) return cached;
  if (!existsSync(path)) {
    throw new Error(
      `Recording '${file}' not found at ${path}: copy it into tests/fixtures/anthropic-recorded/`,
    );
  }
  const interactions = JSON.parse(readFileSync(path, "utf8")).interactions as AnthropicExchange[];
  cache.set(path, interactions);
  return interactions;
}

/** Exchange `index` (default 0) of a recording. */
export function anthropicExchange(file: string, index = 0): AnthropicExchange {
  const exchange = anthropicRecording(file)[index];
  if (!exchange) throw new Error(`Recording '${file}' has no interaction ${index}`);
  return exchange;
}

/** The names of every recording in `tests/fixtures/anthropic-recorded/`, sorted. */
export function anthropicRecordingNames(): string[] {
  return [...Deno.readDirSync(ANTHROPIC_RECORDED_DIR)]
    .filter((e) => e.isFile && e.name.endsWith(".json"))
    .map((e) => e.name.slice(0, -5))
    .sort();
}

/** One request the server received. */
export interface AnthropicRequest {
  /** HTTP method. */
  method: string;
  /** Path and query, e.g. `/v1/messages?beta=true`. */
  path: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
  /** The body parsed as JSON (`null` when empty). Typed loosely for tests. */
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** A scripted answer to one request. */
export type AnthropicReply =
  /** Replays exchange `index` of a recording, written in pieces of `splitAt` bytes when given. */
  | { kind: "recorded"; file: string; index?: number; splitAt?: number }
  /** An HTTP error with Anthropic's body `{"type":"error","error":{"type","message"}}`. */
  | { kind: "status"; status: number; type?: string; message?: string; headers?: Record<string, string> }
  /** Sends `body` as it is. */
  | { kind: "raw"; status?: number; contentType: string; body: string; splitAt?: number }
  /**
   * Streams SSE events made from `events` (each `data` object's `type` is its `event:` name), cut every
   * `splitAt` bytes, or with `perEvent` each event written to the socket on its own.
   */
  | { kind: "events"; events: Record<string, unknown>[]; splitAt?: number; perEvent?: boolean }
  /** Sends `body`, then cuts the connection (the declared content-length is longer). */
  | { kind: "drop"; body: string };

/** A running loopback server. */
export interface AnthropicServer extends AsyncDisposable {
  /** What ANTHROPIC_BASE_URL takes: `http://127.0.0.1:PORT`. */
  url: string;
  /** Every request, in order. */
  requests: AnthropicRequest[];
  /** Queues replies (first in, first out). */
  enqueue(...replies: AnthropicReply[]): void;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Anthropic's error type for each status, as its documentation lists them. */
const ERROR_TYPES: Record<number, [string, string]> = {
  400: ["invalid_request_error", "max_tokens: Field required"],
  401: ["authentication_error", "invalid x-api-key"],
  403: ["permission_error", "Your API key does not have permission to use the specified resource."],
  404: ["not_found_error", "model: claude-nope"],
  413: ["request_too_large", "Request exceeds the maximum allowed number of bytes."],
  429: ["rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"],
  500: ["api_error", "Internal server error"],
  529: ["overloaded_error", "Overloaded"],
};

/** The documented error body for `status`. */
export function anthropicErrorBody(status: number, type?: string, message?: string): Record<string, unknown> {
  const [knownType, knownMessage] = ERROR_TYPES[status] ?? ["api_error", `Error ${status}`];
  return { type: "error", error: { type: type ?? knownType, message: message ?? knownMessage } };
}

/** SSE text for events given as data objects: `event: <type>` then `data: <json>`. */
export function sseText(events: Record<string, unknown>[]): string {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

/** The events of a streamed text answer, as the API sends them. */
export function textStreamEvents(
  chunks: string[],
  model = "claude-haiku-4-5-20251001",
): Record<string, unknown>[] {
  return [
    {
      type: "message_start",
      message: {
        model,
        id: "msg_echo",
        type: "message",
        role: "assistant",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: 3,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 1,
        },
      },
    },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    ...chunks.map((text) => ({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } })),
    { type: "content_block_stop", index: 0 },
    {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: chunks.length },
    },
    { type: "message_stop" },
  ];
}

function lastUserText(body: unknown): string {
  const messages = (body as { messages?: { role: string; content: unknown }[] })?.messages ?? [];
  const last = [...messages].reverse().find((m) => m.role === "user");
  if (!last) return "";
  if (typeof last.content === "string") return last.content;
  return (last.content as { type: string; text?: string }[])
    .filter((b) => b.type === "text").map((b) => b.text).join("");
}

/** Starts the server on 127.0.0.1 with a random free port. */
export function startAnthropicServer(replies: AnthropicReply[] = []): Promise<AnthropicServer> {
  const queue: AnthropicReply[] = [...replies];
  const requests: AnthropicRequest[] = [];
  const closing = new AbortController();
  const signal = closing.signal;
  const encoder = new TextEncoder();

  const send = (
    text: string,
    init: { status?: number; contentType: string; splitAt?: number; headers?: Record<string, string> },
  ): Response => {
    const bytes = encoder.encode(text);
    const pieces = init.splitAt === undefined ? [bytes] : splitBytes(bytes, init.splitAt);
    return new Response(pacedStream(pieces, { signal }), {
      status: init.status ?? 200,
      headers: { "content-type": init.contentType, ...init.headers },
    });
  };

  const answer = (reply: AnthropicReply): Response => {
    switch (reply.kind) {
      case "recorded": {
        const { response } = anthropicExchange(reply.file, reply.index);
        return send(response.body, {
          status: response.status,
          contentType: response.content_type,
          splitAt: reply.splitAt,
        });
      }
      case "status":
        return send(JSON.stringify(anthropicErrorBody(reply.status, reply.type, reply.message)), {
          status: reply.status,
          contentType: "application/json",
          headers: { "request-id": "req_test", ...reply.headers },
        });
      case "raw":
        return send(reply.body, reply);
      case "events": {
        if (!reply.perEvent) {
          return send(sseText(reply.events), { contentType: "text/event-stream", splitAt: reply.splitAt });
        }
        const pieces = reply.events.map((e) => encoder.encode(sseText([e])));
        return new Response(pacedStream(pieces, { signal }), {
          headers: { "content-type": "text/event-stream" },
        });
      }
      case "drop": {
        const bytes = encoder.encode(reply.body);
        return new Response(pacedStream([bytes], { signal }), {
          headers: { "content-type": "text/event-stream", "content-length": String(bytes.length + 1024) },
        });
      }
    }
  };

  const handle = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const text = await req.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    requests.push({
      method: req.method,
      path: url.pathname + url.search,
      headers: Object.fromEntries(req.headers),
      body,
    });
    if (req.method !== "POST" || url.pathname !== "/v1/messages") {
      return send(JSON.stringify(anthropicErrorBody(404, "not_found_error", `No route ${url.pathname}`)), {
        status: 404,
        contentType: "application/json",
      });
    }
    const reply = queue.shift();
    if (reply) return answer(reply);
    const words = `Echo: ${lastUserText(body)}`.split(/(?<= )/);
    return answer({ kind: "events", events: textStreamEvents(words) });
  };

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, signal, onListen() {} }, handle);
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing.abort();
      await server.finished;
    })();
    return closed;
  };
  return Promise.resolve({
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    enqueue: (...more: AnthropicReply[]) => void queue.push(...more),
    close,
    [Symbol.asyncDispose]: close,
  });
}

if (import.meta.main) {
  const replies = Deno.args.flatMap((file) =>
    anthropicRecording(file).map((_, index): AnthropicReply => ({ kind: "recorded", file, index }))
  );
  const server = await startAnthropicServer(replies);
  console.log(server.url);
}
