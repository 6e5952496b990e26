/**
 * A small HTTP client for OpenAI-style APIs: JSON requests, SSE streams, and retries with backoff on 408, 409,
 * 429, 5xx and connection failures (honouring `retry-after-ms` and `retry-after`), as the official SDK does.
 *
 * It replaces the `openai` npm package, which took 60-140 ms to import on every prompt and, loaded without a
 * lockfile (remote `deno run https://...`), failed about half the time with ERR_MODULE_NOT_FOUND on a
 * peer-dependency copy of itself.
 * @module
 */
import { VERSION } from "../../version.ts";
import { jsonBody } from "./json_body.ts";
import { readServerSentEventBatches } from "../sse.ts";

/** Where and how to send requests. */
export interface OpenAIConnection {
  /** Base URL, e.g. `https://api.openai.com/v1`. */
  baseURL: string;
  /** Bearer key. */
  apiKey: string;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** Retries after the first attempt (default 2). */
  maxRetries?: number;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/** The server answered with an HTTP error. */
export class OpenAIHttpError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** The response body, parsed as JSON when it is JSON. */
  readonly body: unknown;
  /** Creates the error. */
  constructor(status: number, body: unknown) {
    const apiMessage = (body as { error?: { message?: unknown } } | null)?.error?.message;
    super(
      typeof apiMessage === "string"
        ? apiMessage
        : typeof body === "string" && body
        ? body
        : `HTTP ${status}`,
    );
    this.name = "OpenAIHttpError";
    this.status = status;
    this.body = body;
  }
}

/** The server reported an error in the middle of a stream. */
export class OpenAIStreamError extends Error {
  /** The error object the server sent. */
  readonly data: unknown;
  /** Creates the error. */
  constructor(data: unknown) {
    const error = (data as { error?: { message?: unknown } } | null)?.error;
    super(typeof error?.message === "string" ? error.message : JSON.stringify(data));
    this.name = "OpenAIStreamError";
    this.data = data;
  }
}

/** The connection could not be made (refused, DNS failure, TLS error). */
export class OpenAIConnectionError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OpenAIConnectionError";
  }

  /**
   * The error of a `fetch()` that failed to connect, saying why: the message of its cause when it has one
   * (the more specific reason), else its own.
   */
  static fromFetchError(error: unknown): OpenAIConnectionError {
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? cause.message : (error as Error).message;
    return new OpenAIConnectionError(detail, { cause: error });
  }
}

/**
 * A successful status with a body that is not what the API sends: not JSON, JSON of another shape, or (for a
 * streamed request) no server-sent events at all, e.g. a proxy's HTML page.
 */
export class OpenAIBodyError extends Error {
  /** The `content-type` the server gave (empty when none). */
  readonly contentType: string;
  /** The first characters of the body, on one line (at most {@link BODY_START_LENGTH}). */
  readonly start: string;
  /** Creates the error; `expected` is what the body should have been, e.g. `the API's JSON`. */
  constructor(contentType: string, start: string, expected: string) {
    super(`The server answered with ${contentType || "no content type"} instead of ${expected}`);
    this.name = "OpenAIBodyError";
    this.contentType = contentType;
    this.start = start;
  }
}

/** A stream that ended without the API's end of an answer (`[DONE]`, a `finish_reason`, `response.completed`). */
export class OpenAIStreamEndError extends Error {
  /** Creates the error; `expected` names the end that never came. */
  constructor(expected: string) {
    super(`the stream ended without ${expected}`);
    this.name = "OpenAIStreamEndError";
  }
}

/** How many characters of an unexpected body {@link OpenAIBodyError} keeps. */
export const BODY_START_LENGTH = 80;

// deno-lint-ignore no-control-regex
const CONTROL_CHARACTERS = /[\x00-\x1f\x7f]/g;

/** The first characters of `text` on one line: whitespace runs as one space, control characters escaped. */
function bodyStart(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  const shown = line.slice(0, BODY_START_LENGTH)
    .replace(CONTROL_CHARACTERS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return line.length > BODY_START_LENGTH ? `${shown}…` : shown;
}

const RETRY_STATUSES = new Set([408, 409, 429]);

function retryDelayMs(response: Response | undefined, attempt: number): number {
  const ms = Number(response?.headers.get("retry-after-ms"));
  if (Number.isFinite(ms) && ms >= 0 && response?.headers.has("retry-after-ms")) return ms;
  const seconds = response?.headers.get("retry-after");
  if (seconds) {
    const n = Number(seconds);
    if (Number.isFinite(n) && n >= 0) return n * 1000;
    const date = Date.parse(seconds);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const base = Math.min(0.5 * 2 ** attempt, 8);
  return base * (1 - Math.random() * 0.25) * 1000;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The body of `response`: parsed when it is JSON, else its text. */
export async function readJsonOrText(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** POSTs `body` as JSON to `path` under the base URL; retries as the SDK does; returns the successful response. */
export async function post(connection: OpenAIConnection, path: string, body: unknown): Promise<Response> {
  const url = connection.baseURL.replace(/\/+$/, "") + path;
  const retries = connection.maxRetries ?? 2;
  for (let attempt = 0;; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          authorization: `Bearer ${connection.apiKey}`,
          "user-agent": `llm-deno/${VERSION}`,
          ...connection.headers,
        },
        // Large inline attachments are streamed, not built into one string (see json_body.ts).
        body: jsonBody(body),
        signal: connection.signal,
      });
    } catch (error) {
      if (connection.signal?.aborted) throw error;
      if (attempt < retries) {
        await sleep(retryDelayMs(undefined, attempt), connection.signal);
        continue;
      }
      throw OpenAIConnectionError.fromFetchError(error);
    }
    if (response.ok) return response;
    const retryable = RETRY_STATUSES.has(response.status) || response.status >= 500;
    const shouldRetry = response.headers.get("x-should-retry");
    if (attempt < retries && shouldRetry !== "false" && (retryable || shouldRetry === "true")) {
      await response.body?.cancel();
      await sleep(retryDelayMs(response, attempt), connection.signal);
      continue;
    }
    throw new OpenAIHttpError(response.status, await readJsonOrText(response));
  }
}

/** What an answer must look like, checked by {@link postJson} and {@link postStream}. */
export interface AnswerChecks {
  /** Whether a whole (non-streamed) JSON body is the API's answer, e.g. has `choices`. Default: any object. */
  isAnswer?: (json: Record<string, unknown>) => boolean;
  /**
   * Whether a streamed event ends the answer (e.g. carries a `finish_reason`). A stream that ends without such
   * an event and without `[DONE]` throws {@link OpenAIStreamEndError}. Default: only `[DONE]` ends it.
   */
  isEnd?: (event: Record<string, unknown>) => boolean;
  /** Names the end in the error, e.g. `a finish_reason or [DONE]`. */
  endName?: string;
}

/**
 * POSTs a non-streaming request and returns the parsed JSON body.
 *
 * @throws {OpenAIBodyError} the body is not JSON, or not the object `checks.isAnswer` expects.
 */
export async function postJson(
  connection: OpenAIConnection,
  path: string,
  body: unknown,
  checks: AnswerChecks = {},
): Promise<Record<string, unknown>> {
  const response = await post(connection, path, body);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const isObject = typeof json === "object" && json !== null && !Array.isArray(json);
  if (!isObject || !(checks.isAnswer?.(json as Record<string, unknown>) ?? true)) {
    throw new OpenAIBodyError(response.headers.get("content-type") ?? "", bodyStart(text), "the API's JSON");
  }
  return json as Record<string, unknown>;
}

/**
 * POSTs a streaming request and yields the data of its SSE events parsed as JSON, until `[DONE]` or the end:
 * all the events of one network read as one array. A data object that is only `{error: ...}` (how Chat
 * Completions reports a failure mid-stream) is thrown as an {@link OpenAIStreamError}, after the events before
 * it; Responses API `error` events are left to the caller.
 *
 * @throws {OpenAIBodyError} the body held no server-sent event (an HTML page, a JSON body).
 * @throws {OpenAIStreamEndError} the stream ended without `[DONE]` or an event `checks.isEnd` accepts.
 */
export async function* postStream(
  connection: OpenAIConnection,
  path: string,
  body: unknown,
  checks: AnswerChecks = {},
): AsyncGenerator<Record<string, unknown>[]> {
  const response = await post(connection, path, body);
  const kept = { bytes: new Uint8Array(0) };
  const stream = response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  let seen = 0;
  let ended = false;
  for await (const events of readServerSentEventBatches(stream, kept)) {
    const batch: Record<string, unknown>[] = [];
    // An indexed loop: see ChunkCombiner.add.
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      if (event.data === "[DONE]") {
        if (batch.length) yield batch;
        return;
      }
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(event.data) as Record<string, unknown>;
      } catch (error) {
        // What arrived before the broken event is kept.
        if (batch.length) yield batch;
        throw error;
      }
      seen++;
      if (data.error && Object.keys(data).length === 1) {
        if (batch.length) yield batch;
        throw new OpenAIStreamError(data);
      }
      if (checks.isEnd?.(data)) ended = true;
      batch.push(data);
    }
    if (batch.length) yield batch;
  }
  if (seen === 0) {
    const text = new TextDecoder().decode(kept.bytes);
    throw new OpenAIBodyError(response.headers.get("content-type") ?? "", bodyStart(text), "an event stream");
  }
  if (!ended) throw new OpenAIStreamEndError(checks.endName ?? "[DONE]");
}
