/**
 * A loopback Gemini API for tests: real HTTP on 127.0.0.1 with a random port, answering from a FIFO of
 * replies, most often the recorded responses of `tests/fixtures/gemini-recorded/` (real traffic from the
 * `llm-gemini` test cassettes). A streamed body is written in pieces of `splitAt` bytes, each flushed on its
 * own, so readers meet JSON split anywhere. Every request is recorded with its path, query, key header and
 * JSON body, for comparison with the recorded request. An unexpected request gets a 500 that says so.
 *
 * ```ts
 * await using gemini = await startGeminiServer();
 * gemini.enqueueRecording("prompt", { splitAt: 8 });
 * // set LLM_GEMINI_BASE_URL=gemini.url for the code under test, then compare gemini.requests[0].body
 * ```
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { pacedStream, splitBytes } from "./sse.ts";

/** One recorded request and the answer the real API gave. */
export interface GeminiExchange {
  /** The request `llm-gemini` sent (headers and the key left out). */
  // deno-lint-ignore no-explicit-any
  request: { method: string; path: string; body: any };
  /** The answer: a streamed body is the raw JSON-array text; a plain JSON answer may be stored parsed. */
  response: { status: number; content_type: string; body: unknown };
}

/** The folder of the recordings. */
export const GEMINI_RECORDED_DIR: URL = new URL("../fixtures/gemini-recorded/", import.meta.url);

/** The exchanges of a recording in `tests/fixtures/gemini-recorded/` (name with or without `.json`). */
export function geminiRecording(name: string): GeminiExchange[] {
  const path = fileURLToPath(new URL(name.endsWith(".json") ? name : `${name}.json`, GEMINI_RECORDED_DIR));
  if (!existsSync(path)) {
    throw new Error(`Recording '${name}' not found at ${path}: copy it from the shared fixtures`);
  }
  const parsed = JSON.parse(readFileSync(path, "utf8")) as { interactions?: GeminiExchange[] };
  if (!Array.isArray(parsed.interactions)) throw new Error(`Recording '${name}' has no 'interactions' list`);
  return parsed.interactions;
}

/** The body text of a recorded answer (parsed JSON bodies are written back as JSON). */
export function bodyText(exchange: GeminiExchange): string {
  const body = exchange.response.body;
  return typeof body === "string" ? body : JSON.stringify(body);
}

/** A scripted answer. */
export type GeminiReply =
  /** Answers with `body` (status 200 unless given), written in pieces of `splitAt` bytes. */
  | { kind: "body"; body: string; status?: number; contentType?: string; splitAt?: number; delayMs?: number }
  /** Writes `body`, then cuts the connection (the declared content-length is longer than what is sent). */
  | { kind: "drop"; body: string };

/** One request the server received. */
export interface GeminiRequest {
  /** HTTP method. */
  method: string;
  /** URL path, e.g. `/v1beta/models/gemini-2.5-flash:streamGenerateContent`. */
  path: string;
  /** The query string, `""` when none. */
  search: string;
  /** The `x-goog-api-key` header. */
  apiKey: string | null;
  /** The `content-type` header. */
  contentType: string | null;
  /** The body parsed as JSON (`null` when empty). */
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** A running loopback Gemini API. */
export interface GeminiServer extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`, for `LLM_GEMINI_BASE_URL`. */
  url: string;
  /** Every request received, in order. */
  requests: GeminiRequest[];
  /** Queues replies, first in first out. */
  enqueue(...replies: GeminiReply[]): void;
  /** Queues every recorded answer of a recording, in order, written in pieces of `splitAt` bytes. */
  enqueueRecording(name: string, options?: { splitAt?: number }): GeminiExchange[];
  /** How many replies are still queued. */
  pending(): number;
  /** Stops the server, cutting any stream in flight. */
  close(): Promise<void>;
}

const encoder = new TextEncoder();

/** Starts a loopback Gemini API; close it with `await using` or `close()`. */
export function startGeminiServer(): Promise<GeminiServer> {
  const queue: GeminiReply[] = [];
  const requests: GeminiRequest[] = [];
  const closing = new AbortController();

  const handle = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const text = await req.text();
    requests.push({
      method: req.method,
      path: url.pathname,
      search: url.search,
      apiKey: req.headers.get("x-goog-api-key"),
      contentType: req.headers.get("content-type"),
      body: text ? JSON.parse(text) : null,
    });
    const reply = queue.shift();
    if (!reply) {
      return Response.json(
        {
          error: {
            code: 500,
            message: `No reply queued for ${req.method} ${url.pathname}`,
            status: "INTERNAL",
          },
        },
        { status: 500 },
      );
    }
    const bytes = encoder.encode(reply.body);
    if (reply.kind === "drop") {
      return new Response(pacedStream([bytes], { signal: closing.signal }), {
        headers: { "content-type": "application/json", "content-length": String(bytes.length + 1024) },
      });
    }
    const pieces = reply.splitAt ? splitBytes(bytes, reply.splitAt) : [bytes];
    return new Response(pacedStream(pieces, { signal: closing.signal, delayMs: reply.delayMs }), {
      status: reply.status ?? 200,
      headers: { "content-type": reply.contentType ?? "application/json; charset=UTF-8" },
    });
  };

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: closing.signal, onListen() {} },
    handle,
  );
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
    enqueue(...replies: GeminiReply[]) {
      queue.push(...replies);
    },
    enqueueRecording(name: string, options: { splitAt?: number } = {}) {
      const exchanges = geminiRecording(name);
      for (const exchange of exchanges) {
        queue.push({
          kind: "body",
          body: bodyText(exchange),
          status: exchange.response.status,
          contentType: exchange.response.content_type,
          splitAt: options.splitAt,
        });
      }
      return exchanges;
    },
    pending: () => queue.length,
    close,
    [Symbol.asyncDispose]: close,
  });
}
