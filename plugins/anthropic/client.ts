/**
 * A small client for the Messages API over `fetch`: where it is (`ANTHROPIC_BASE_URL`), the headers it wants,
 * retries as the official SDK makes them (408, 409, 429, 5xx and 529, and failed connections, twice, with
 * backoff and `retry-after`), Anthropic's error bodies as one-line errors that say what to do, and a reader
 * for the Server-Sent Events it streams.
 * @module
 */
import { ModelError } from "./_llm.ts";

/** Where the API is when `ANTHROPIC_BASE_URL` is not set. */
export const DEFAULT_BASE_URL = "https://api.anthropic.com";

/** The API version this plugin speaks (the `anthropic-version` header). */
export const API_VERSION = "2023-06-01";

/** Retries after the first attempt, as the SDK makes them. */
export const MAX_RETRIES = 2;

/** The API's base URL: `ANTHROPIC_BASE_URL` (trailing slashes dropped), else the public API. */
export function anthropicBaseUrl(value: string | undefined = Deno.env.get("ANTHROPIC_BASE_URL")): string {
  const trimmed = value?.trim().replace(/\/+$/, "");
  return trimmed || DEFAULT_BASE_URL;
}

/** What to do about each of Anthropic's error types. */
const HINTS: Record<string, string> = {
  invalid_request_error: "check the prompt and its options",
  authentication_error: "check the API key",
  billing_error: "check the billing details of the Anthropic account",
  permission_error: "the key may not use this model or feature; check the API key",
  not_found_error: "check the model id",
  request_too_large: "send less: fewer or smaller attachments and fragments",
  rate_limit_error: "the rate limit or credit of the key is used up; wait a moment and try again",
  api_error: "Anthropic had an internal error; try again",
  timeout_error: "the request took too long; try again",
  overloaded_error: "Anthropic's API is overloaded; try again in a moment",
};

/** One line of text: runs of whitespace (new lines too) made one space, trailing full stop dropped. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().replace(/\.$/, "");
}

/** The `type` and `message` of an error body `{"type": "error", "error": {...}}`, or of plain text. */
export function errorDetail(body: string): { type?: string; message: string } {
  try {
    const parsed = JSON.parse(body);
    const error = parsed?.error;
    if (error && typeof error === "object") {
      return {
        type: typeof error.type === "string" ? error.type : undefined,
        message: typeof error.message === "string" ? error.message : JSON.stringify(error),
      };
    }
  } catch {
    // Not JSON: shown as it is.
  }
  return { message: body.slice(0, 300) || "no details" };
}

/** The error for an HTTP error status and its body. */
export function httpError(status: number, body: string): ModelError {
  const { type, message } = errorDetail(body);
  const hint = HINTS[type ?? ""] ?? (status >= 500 ? HINTS.api_error : "check the request");
  return new ModelError(
    `Anthropic API error ${status}${type ? ` (${type})` : ""}: ${oneLine(message)}; ${hint}`,
    { kind: "http", status, keyName: "anthropic" },
  );
}

/** The error for an `error` event in the middle of a stream. */
export function streamError(data: Record<string, unknown>): ModelError {
  const error = (data.error ?? {}) as { type?: unknown; message?: unknown };
  const type = typeof error.type === "string" ? error.type : undefined;
  const message = typeof error.message === "string" ? error.message : JSON.stringify(data);
  const hint = HINTS[type ?? ""] ?? "try again";
  return new ModelError(
    `Anthropic reported an error in the middle of the response${type ? ` (${type})` : ""}: ` +
      `${oneLine(message)}; ${hint}`,
    { kind: "stream" },
  );
}

/** The message of a thrown value, with the cause of a failed `fetch` when there is one. */
function detailOf(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** The error for a stream that broke off. */
export function lostConnection(error: unknown): ModelError {
  return new ModelError(
    `The connection to the Anthropic API was lost before the response finished (${
      detailOf(error)
    }); try again`,
    { kind: "stream", cause: error },
  );
}

function retryable(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** How long to wait before retry `attempt` (0-based): what the server asked for, else backoff with jitter. */
function retryDelayMs(response: Response | undefined, attempt: number): number {
  const ms = response?.headers.get("retry-after-ms");
  if (ms !== null && ms !== undefined && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const after = response?.headers.get("retry-after");
  if (after) {
    const seconds = Number(after);
    if (Number.isFinite(seconds) && seconds >= 0 && seconds <= 60) return seconds * 1000;
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return Math.min(Math.max(0, date - Date.now()), 60_000);
  }
  return Math.min(0.5 * 2 ** attempt, 8) * (1 - Math.random() * 0.25) * 1000;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** What {@link postMessages} sends. */
export interface PostOptions {
  /** The API key (`x-api-key`). */
  key: string;
  /** The JSON body. */
  body: unknown;
  /** Beta features (`anthropic-beta`); the request then goes to `/v1/messages?beta=true`. */
  betas?: string[];
  /** Cancels the request and its retries. */
  signal: AbortSignal;
  /** The base URL (default: {@link anthropicBaseUrl}). */
  baseUrl?: string;
}

/**
 * POSTs to `/v1/messages` and returns the successful response, its body unread; retries as the SDK does.
 *
 * @throws {ModelError} `kind: "http"` for an error status, `kind: "connection"` when the API cannot be
 * reached. An abort is rethrown as it is.
 */
export async function postMessages(options: PostOptions): Promise<Response> {
  const base = options.baseUrl ?? anthropicBaseUrl();
  const betas = options.betas ?? [];
  const url = `${base}/v1/messages${betas.length ? "?beta=true" : ""}`;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json",
    "anthropic-version": API_VERSION,
    "x-api-key": options.key,
  };
  if (betas.length) headers["anthropic-beta"] = betas.join(",");
  const payload = JSON.stringify(options.body);
  for (let attempt = 0;; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, { method: "POST", headers, body: payload, signal: options.signal });
    } catch (error) {
      if (options.signal.aborted) throw error;
      if (attempt < MAX_RETRIES) {
        await sleep(retryDelayMs(undefined, attempt), options.signal);
        continue;
      }
      throw new ModelError(
        `Cannot reach the Anthropic API at ${base} (${detailOf(error)}); check the network connection, or ` +
          "ANTHROPIC_BASE_URL if it is set",
        { kind: "connection", cause: error },
      );
    }
    if (response.ok) return response;
    const should = response.headers.get("x-should-retry");
    if (attempt < MAX_RETRIES && should !== "false" && (should === "true" || retryable(response.status))) {
      await response.body?.cancel();
      await sleep(retryDelayMs(response, attempt), options.signal);
      continue;
    }
    let text = "";
    try {
      text = await response.text();
    } catch {
      // The body is lost too; the status still says enough.
    }
    throw httpError(response.status, text);
  }
}

/**
 * Yields the `data` of the Server-Sent Events each network read completes, as one batch a read (lines end
 * in LF or CRLF; `data:` lines of one event are joined with new lines; `event:`, comments and other fields
 * are not needed, as every Anthropic event names its type in its data). A broken connection is a
 * `ModelError` of kind `stream`; an abort is rethrown as it is.
 */
export async function* readEventData(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
): AsyncGenerator<string[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string | undefined;
  try {
    while (true) {
      let read: ReadableStreamReadResult<Uint8Array>;
      try {
        read = await reader.read();
      } catch (error) {
        if (signal.aborted) throw error;
        throw lostConnection(error);
      }
      buffer += read.done ? decoder.decode() : decoder.decode(read.value, { stream: true });
      if (read.done) buffer += "\n\n";
      const batch: string[] = [];
      let start = 0;
      let end: number;
      while ((end = buffer.indexOf("\n", start)) >= 0) {
        // Lines are looked at in place: only the value of a data line is cut out of the buffer.
        const lineEnd = end > start && buffer.charCodeAt(end - 1) === 13 ? end - 1 : end;
        if (lineEnd === start) {
          if (data !== undefined) batch.push(data);
          data = undefined;
        } else if (buffer.startsWith("data:", start)) {
          const from = start + (buffer.charCodeAt(start + 5) === 32 ? 6 : 5);
          const value = buffer.slice(from, lineEnd);
          data = data === undefined ? value : `${data}\n${value}`;
        }
        start = end + 1;
      }
      buffer = buffer.slice(start);
      if (batch.length) yield batch;
      if (read.done) return;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
