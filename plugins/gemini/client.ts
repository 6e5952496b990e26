/**
 * The HTTP side of the Gemini API: where it is (`LLM_GEMINI_BASE_URL` overrides the host), how the key is
 * sent (the `x-goog-api-key` header, as `llm-gemini` sends it), and every failure turned into a one-line
 * `ModelError` that says what to do. Error bodies have Google's documented shape,
 * `{"error": {"code": 429, "message": "...", "status": "RESOURCE_EXHAUSTED"}}` (for streamed requests,
 * wrapped in a one-element array).
 * @module
 */
import { ModelError } from "./_llm.ts";

/** The Gemini API's host, unless `LLM_GEMINI_BASE_URL` says otherwise. */
export const DEFAULT_GEMINI_BASE_URL = "https://generativelanguage.googleapis.com";

/**
 * The API root: `LLM_GEMINI_BASE_URL` (trailing slashes removed) or the public host. Paths such as
 * `/v1beta/models` are appended to it.
 */
export function geminiBaseUrl(value: string | undefined = Deno.env.get("LLM_GEMINI_BASE_URL")): string {
  const trimmed = (value ?? "").trim().replace(/\/+$/, "");
  return trimmed || DEFAULT_GEMINI_BASE_URL;
}

/** Google's error object, as far as it is known. */
export interface GeminiApiError {
  /** The HTTP status code. */
  code?: number;
  /** What went wrong. */
  message?: string;
  /** The gRPC status name, e.g. `INVALID_ARGUMENT`. */
  status?: string;
}

/** The `error` object of an error body (`{"error": ...}` or `[{"error": ...}]`), when there is one. */
export function apiErrorOf(body: unknown): GeminiApiError | undefined {
  const holder = Array.isArray(body) ? body[0] : body;
  const error = (holder as { error?: unknown } | null | undefined)?.error;
  return error && typeof error === "object" ? error as GeminiApiError : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().replace(/\.$/, "");
}

/** What to do about an error, by its status (and, for a bad key, its message). */
function hintFor(status: number, error: GeminiApiError, badRequestHint?: string): string {
  const message = error.message ?? "";
  if (/api key|api_key/i.test(message) || status === 401) {
    return "check the key: set it with 'llm keys set gemini' or the LLM_GEMINI_KEY environment variable";
  }
  switch (status) {
    case 400:
      return badRequestHint ?? "check the prompt, its options, schema and attachments";
    case 403:
      return "the key cannot use this model or API: check the key's project and that the Generative " +
        "Language API is enabled for it";
    case 404:
      return "check the model id; 'llm gemini models' lists the models the API offers";
    case 429:
      return "you hit a rate limit or used up your quota: wait a minute and try again, or check your plan";
    case 500:
      return "Google's servers failed on this request: try again, perhaps with a shorter prompt or " +
        "another model";
    case 503:
      return "the model is overloaded or down for now: try again in a little while, or use another model";
    case 504:
      return "Google's servers timed out: try again, perhaps with a shorter prompt";
    default:
      return status >= 500 ? "try again later" : "check the request";
  }
}

/**
 * The one-line error for an HTTP error answer, from its status and body text. `badRequestHint` says what to
 * check after an HTTP 400 when the prompt's default hint does not fit (an embedding request, say).
 */
export function httpError(
  status: number,
  bodyText: string,
  what = "the request",
  badRequestHint?: string,
): ModelError {
  let body: unknown = bodyText;
  try {
    body = JSON.parse(bodyText);
  } catch {
    // Not JSON (a proxy's HTML page, say): show the start of it.
  }
  const error = apiErrorOf(body) ?? {};
  const detail = error.message ? oneLine(error.message) : oneLine(bodyText).slice(0, 200) || "no details";
  const name = error.status ? ` ${error.status}` : "";
  const hint = hintFor(status, error, badRequestHint);
  return new ModelError(
    `Gemini API error for ${what} (HTTP ${status}${name}): ${detail}; ${hint}`,
    { kind: "http", status },
  );
}

/** The error for an error object Gemini sent in the middle of a stream. */
export function streamedError(error: GeminiApiError): ModelError {
  const status = typeof error.code === "number" ? error.code : 500;
  const name = error.status ? ` ${error.status}` : "";
  return new ModelError(
    `Gemini reported an error while answering (${status}${name}): ${
      oneLine(error.message ?? "no details")
    }; ` +
      hintFor(status, error),
    { kind: "stream" },
  );
}

function detailOf(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Options of {@link geminiFetch}. */
export interface GeminiFetchOptions {
  /** The API key, sent as `x-goog-api-key`. */
  key: string;
  /** A JSON body; the request is a POST when there is one. */
  body?: unknown;
  /** Cancels the request and the reading of its body. */
  signal?: AbortSignal;
  /** What the request is for, in error messages (e.g. `gemini/gemini-2.5-flash`). */
  what?: string;
  /** What to check after an HTTP 400, when the prompt's default hint does not fit. */
  badRequestHint?: string;
}

/**
 * Sends a request to `path` under the API root; returns the successful response with its body unread.
 *
 * @throws {ModelError} when the API cannot be reached (`kind: "connection"`) or answers an error status
 *   (`kind: "http"`). An abort of `signal` is rethrown as it is.
 */
export async function geminiFetch(path: string, options: GeminiFetchOptions): Promise<Response> {
  const base = geminiBaseUrl();
  let response: Response;
  try {
    response = await fetch(base + path, {
      method: options.body === undefined ? "GET" : "POST",
      headers: {
        "x-goog-api-key": options.key,
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ModelError(
      `Cannot reach the Gemini API at ${base} (${detailOf(error)}); check your connection, or ` +
        "LLM_GEMINI_BASE_URL if you set it",
      { kind: "connection", cause: error },
    );
  }
  if (!response.ok) {
    let text = "";
    try {
      text = await response.text();
    } catch {
      // The body could not be read: the status alone has to do.
    }
    throw httpError(response.status, text, options.what, options.badRequestHint);
  }
  return response;
}
