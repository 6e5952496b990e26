/**
 * A small client for Ollama's native HTTP API: where Ollama listens (`OLLAMA_HOST`), `GET /api/tags`,
 * `POST /api/chat` and `POST /api/embed`, and a hand-written reader for the newline-delimited JSON that
 * `/api/chat` streams. Every failure becomes a `ModelError` whose message says what to do.
 * @module
 */
import { ModelError } from "../../../plugin.ts";

/** Where Ollama listens when `OLLAMA_HOST` is not set. */
export const DEFAULT_OLLAMA_URL = "http://127.0.0.1:11434";

/** A local model, as `GET /api/tags` lists it. */
export interface OllamaTag {
  /** Its name with the tag, e.g. `llama3.2:latest`. */
  name: string;
  /** The same name (newer Ollama versions send both). */
  model?: string;
  /** When it was last pulled or created. */
  modified_at?: string;
  /** Its size on disk, in bytes. */
  size?: number;
  /** Its digest. */
  digest?: string;
  /** Family, parameter count, quantization. */
  details?: {
    format?: string;
    family?: string;
    families?: string[] | null;
    parameter_size?: string;
    quantization_level?: string;
  };
}

/** One JSON object from Ollama: a streamed `/api/chat` line, a whole answer, or an error. */
export type OllamaObject = Record<string, unknown>;

/**
 * Ollama's base URL, read from `OLLAMA_HOST` the way Ollama's own client reads it: `host`, `host:port`,
 * `scheme://host[:port]`; the port defaults to 11434 without a scheme (80 or 443 with one). `0.0.0.0` and
 * `::` (addresses a server listens on) are reached through loopback.
 *
 * @example
 * ```ts
 * import { ollamaBaseUrl } from "./client.ts";
 * ollamaBaseUrl("0.0.0.0"); // "http://127.0.0.1:11434"
 * ```
 */
export function ollamaBaseUrl(value: string | undefined = Deno.env.get("OLLAMA_HOST")): string {
  const raw = (value ?? "").trim();
  if (!raw) return DEFAULT_OLLAMA_URL;
  let scheme = "http";
  let rest = raw;
  let defaultPort = "11434";
  const sep = raw.indexOf("://");
  if (sep >= 0) {
    scheme = raw.slice(0, sep).toLowerCase();
    rest = raw.slice(sep + 3);
    if (scheme === "http") defaultPort = "80";
    if (scheme === "https") defaultPort = "443";
  }
  const slash = rest.indexOf("/");
  const hostPort = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash).replace(/\/+$/, "") : "";
  let host = hostPort;
  let port = "";
  const bracketed = hostPort.match(/^\[([^\]]*)\](?::(\d*))?$/);
  if (bracketed) {
    host = bracketed[1];
    port = bracketed[2] ?? "";
  } else if (hostPort.split(":").length === 2) {
    [host, port] = hostPort.split(":");
  }
  if (!host || host === "0.0.0.0") host = "127.0.0.1";
  if (host === "::") host = "::1";
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return `${scheme}://${shownHost}:${port || defaultPort}${path}`;
}

/** The message of any thrown value, with the underlying cause of a failed `fetch` when there is one. */
function detailOf(error: unknown): string {
  if (typeof error === "string") return error;
  const cause = (error as { cause?: unknown })?.cause;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** The error for a request that never reached Ollama. */
export function unreachable(baseUrl: string, error: unknown): ModelError {
  return new ModelError(
    `Cannot reach Ollama at ${baseUrl} (${detailOf(error)}). Is Ollama running? Start it with ` +
      "`ollama serve`, or set OLLAMA_HOST to the address it listens on",
    { kind: "connection", cause: error },
  );
}

/** The `error` text of an Ollama error body, or the body itself. */
function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body);
    if (typeof parsed?.error === "string") return parsed.error;
  } catch {
    // Not JSON: show it as it is.
  }
  return body.trim().slice(0, 300) || "no details";
}

/** The error for an HTTP error status; `model` names the model the request was for. */
async function httpError(
  baseUrl: string,
  path: string,
  response: Response,
  model?: string,
): Promise<ModelError> {
  const detail = errorText(await response.text());
  const status = response.status;
  if (status === 404 && model && /not found/i.test(detail) && /model/i.test(detail)) {
    return new ModelError(
      `Ollama does not have the model '${model}' (${detail}); pull it with \`ollama pull ${model}\``,
      { kind: "http", status },
    );
  }
  if (status === 404) {
    return new ModelError(
      `Ollama at ${baseUrl} answered 404 for ${path} (${detail}); check that OLLAMA_HOST points at Ollama`,
      { kind: "http", status },
    );
  }
  return new ModelError(`Ollama answered HTTP ${status} for ${path}: ${detail}`, { kind: "http", status });
}

/** Options of {@link ollamaRequest}. */
export interface OllamaRequestOptions {
  /** Ollama's base URL (default: from `OLLAMA_HOST`). */
  baseUrl?: string;
  /** A JSON body; the request is a POST when there is one, else a GET. */
  body?: unknown;
  /** Cancels the request and the reading of its body. */
  signal?: AbortSignal;
  /** The model the request is for, to name it in a "not found" error. */
  model?: string;
  /** Give up when Ollama has not answered within this many milliseconds (also bounds reading the body). */
  timeoutMs?: number;
}

/**
 * Sends a request to Ollama and returns the successful response, its body unread.
 *
 * @throws {ModelError} when Ollama cannot be reached (`kind: "connection"`) or answers an error status.
 */
export async function ollamaRequest(path: string, options: OllamaRequestOptions = {}): Promise<Response> {
  const baseUrl = options.baseUrl ?? ollamaBaseUrl();
  const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
  const signals = [options.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
  let response: Response;
  try {
    response = await fetch(baseUrl + path, {
      method: options.body === undefined ? "GET" : "POST",
      headers: options.body === undefined ? {} : { "content-type": "application/json" },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: signals.length ? AbortSignal.any(signals) : undefined,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw unreachable(baseUrl, timeout?.aborted ? `no answer within ${options.timeoutMs} ms` : error);
  }
  if (!response.ok) throw await httpError(baseUrl, path, response, options.model);
  return response;
}

/** Reads a whole JSON answer; a cut or broken body is a `ModelError` of kind `stream`. */
export async function readJson(response: Response, signal?: AbortSignal): Promise<OllamaObject> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (signal?.aborted) throw error;
    throw lostConnection(error);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ModelError(`Ollama sent an answer that is not JSON: ${text.slice(0, 200)}`, { kind: "stream" });
  }
}

/** The local models Ollama has (`GET /api/tags`). */
export async function listTags(options: Omit<OllamaRequestOptions, "body"> = {}): Promise<OllamaTag[]> {
  const response = await ollamaRequest("/api/tags", options);
  const data = await readJson(response, options.signal);
  const models = Array.isArray(data.models) ? data.models : [];
  return models.filter((m): m is OllamaTag => typeof m?.name === "string");
}

/** The error for a stream that broke off. */
export function lostConnection(error: unknown): ModelError {
  return new ModelError(
    `The connection to Ollama was lost before the response finished (${detailOf(error)}); try again`,
    { kind: "stream", cause: error },
  );
}

function parseLine(line: string): OllamaObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new ModelError(`Ollama sent a line that is not JSON: ${line.slice(0, 200)}`, { kind: "stream" });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ModelError(`Ollama sent a line that is not a JSON object: ${line.slice(0, 200)}`, {
      kind: "stream",
    });
  }
  const object = parsed as OllamaObject;
  if (typeof object.error === "string") {
    throw new ModelError(`Ollama reported an error: ${object.error}`, { kind: "stream" });
  }
  return object;
}

/**
 * Yields each JSON object of a newline-delimited JSON body, as lines arrive (a line may span several reads).
 * A connection that breaks off is a `ModelError` of kind `stream`; a line with an `error` field is thrown
 * as a `ModelError` too. When `signal` is aborted, the abort error is thrown as it is.
 */
export async function* readNdjson(
  body: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): AsyncGenerator<OllamaObject> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    while (true) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal?.aborted) throw error;
        throw lostConnection(error);
      }
      buffer += decoder.decode(chunk.value ?? new Uint8Array(), { stream: !chunk.done });
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) yield parseLine(line);
      }
      if (chunk.done) break;
    }
    if (buffer.trim()) yield parseLine(buffer.trim());
  } finally {
    await reader.cancel().catch(() => {});
  }
}
