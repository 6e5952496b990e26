/**
 * Turning what the OpenAI HTTP client throws (HTTP errors, refused connections, errors reported mid-stream,
 * malformed JSON, dropped connections) into a `ModelError` that says what happened and what to do; shared by
 * the chat, responses, completion and embedding models.
 * @module
 */
import { CancelledError, isLlmError, ModelError } from "../../models/errors.ts";
import type { OpenAIBodyError, OpenAIHttpError } from "./http.ts";

/** What the message of an OpenAI error needs to know. */
export interface OpenAIErrorContext {
  /** The API base URL the request went to. */
  baseURL: string;
  /** The keys.json name of the key, when the model needs one (for the CLI's 401/403 hint). */
  keyName?: string;
  /** The request's signal: an aborted one means the response was cancelled. */
  signal?: AbortSignal;
  /** How many characters of text had arrived (for a stream that stopped early). */
  received?: number;
  /** The message for a failure that is none of the known kinds (a dropped connection), given its detail. */
  lost: (detail: string) => string;
}

/** A `ModelError` (or the library error it already is) for `error`. */
export function openAIModelError(error: unknown, context: OpenAIErrorContext): unknown {
  if (isLlmError(error)) return error;
  // Checked by name: the HTTP client module is loaded lazily, only when a model runs.
  const name = (error as Error | null)?.name;
  if (context.signal?.aborted || name === "AbortError") {
    return new CancelledError("Cancelled", { cause: error });
  }
  if (name === "OpenAIConnectionError") {
    return new ModelError(
      `Could not connect to ${context.baseURL}: ${(error as Error).message}. ` +
        "Check the API base URL and that the server is running",
      { kind: "connection", cause: error },
    );
  }
  if (name === "OpenAIHttpError") {
    const http = error as OpenAIHttpError;
    return new ModelError(httpMessage(http.status, apiMessage(http)), {
      kind: "http",
      status: http.status,
      keyName: context.keyName,
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  const detail = message.replace(/\.$/, "");
  if (name === "OpenAIStreamError") {
    return new ModelError(`The server reported an error while streaming: ${detail}. Try again`, {
      kind: "stream",
      cause: error,
    });
  }
  if (name === "OpenAIBodyError") {
    const { contentType, start } = error as OpenAIBodyError;
    const shown = start ? `it begins '${start}'` : "it is empty";
    return new ModelError(
      `The server at ${context.baseURL} answered with ${contentType || "no content type"}, not the API's ` +
        `response (${shown}); check that it is an OpenAI-compatible API, then try again`,
      { kind: "stream", cause: error },
    );
  }
  if (name === "OpenAIStreamEndError") {
    return new ModelError(
      `The response stopped before it finished (${detail}); ${context.received ?? 0} characters arrived ` +
        "before it. Try again",
      { kind: "stream", cause: error },
    );
  }
  if (error instanceof SyntaxError) {
    return new ModelError(
      `The server at ${context.baseURL} sent a malformed response (${detail}); ` +
        "check that it is an OpenAI-compatible API, then try again",
      { kind: "stream", cause: error },
    );
  }
  return new ModelError(context.lost(detail), { kind: "stream", cause: error });
}

function apiMessage(error: OpenAIHttpError): string {
  const body = (error.body as { error?: { message?: unknown } } | null)?.error;
  // A trailing period is dropped: a hint follows the message.
  if (body && typeof body.message === "string") return body.message.trim().replace(/\.$/, "");
  return error.message.replace(/^\d{3}\s*/, "").trim().replace(/\.$/, "");
}

function httpMessage(status: number, message: string): string {
  const hint = status === 401 || status === 403
    ? "; check the API key"
    : status === 429
    ? "; you are being rate limited or are out of quota: wait, then try again"
    : status === 404
    ? "; check the model name and the API base URL"
    : status >= 500
    ? "; the server failed: try again later"
    : "";
  return `API error ${status}: ${message || "no message"}${hint}`;
}
