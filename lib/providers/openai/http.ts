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
import { readServerSentEvents } from "../sse.ts";

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

async function readBody(response: Response): Promise<unknown> {
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
        body: JSON.stringify(body),
        signal: connection.signal,
      });
    } catch (error) {
      if (connection.signal?.aborted) throw error;
      if (attempt < retries) {
        await sleep(retryDelayMs(undefined, attempt), connection.signal);
        continue;
      }
      const cause = (error as { cause?: unknown }).cause;
      const detail = cause instanceof Error ? cause.message : (error as Error).message;
      throw new OpenAIConnectionError(detail, { cause: error });
    }
    if (response.ok) return response;
    const retryable = RETRY_STATUSES.has(response.status) || response.status >= 500;
    const shouldRetry = response.headers.get("x-should-retry");
    if (attempt < retries && shouldRetry !== "false" && (retryable || shouldRetry === "true")) {
      await response.body?.cancel();
      await sleep(retryDelayMs(response, attempt), connection.signal);
      continue;
    }
    throw new OpenAIHttpError(response.status, await readBody(response));
  }
}

/** POSTs a non-streaming request and returns the parsed JSON body. */
export async function postJson(
  connection: OpenAIConnection,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await post(connection, path, body);
  return JSON.parse(await response.text());
}

/**
 * POSTs a streaming request and yields each SSE event's data parsed as JSON, until `[DONE]` or the end.
 * A data object that is only `{error: ...}` (how Chat Completions reports a failure mid-stream) is thrown as
 * an {@link OpenAIStreamError}; Responses API `error` events are left to the caller.
 */
export async function* postStream(
  connection: OpenAIConnection,
  path: string,
  body: unknown,
): AsyncGenerator<Record<string, unknown>> {
  const response = await post(connection, path, body);
  if (!response.body) return;
  for await (const event of readServerSentEvents(response.body)) {
    if (event.data === "[DONE]") break;
    const data = JSON.parse(event.data) as Record<string, unknown>;
    if (data.error && Object.keys(data).length === 1) throw new OpenAIStreamError(data);
    yield data;
  }
}
