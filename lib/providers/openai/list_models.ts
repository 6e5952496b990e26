/**
 * Listing the models an OpenAI-style API serves (`GET {base}/models`): what `llm openai models` and
 * `llm openai endpoint URL --models` print. One request, no retries; failures become `ModelError`s with the
 * same wording as a failed prompt.
 *
 * @example
 * ```ts ignore
 * import { listOpenAIModels } from "./list_models.ts";
 * const models = await listOpenAIModels({ baseURL: "http://localhost:11434/v1" });
 * console.log(models.map((m) => m.id));
 * ```
 * @module
 */
import { ModelError } from "../../models/errors.ts";
import { VERSION } from "../../version.ts";
import { openAIModelError } from "./errors.ts";
import { OpenAIConnectionError, OpenAIHttpError, readJsonOrText } from "./http.ts";

/** One entry of the API's model list, as the API sends it (`created` is in Unix seconds). */
export interface OpenAIModelInfo {
  /** The model id, e.g. `gpt-4o-mini`. */
  id: string;
  /** `model`. */
  object?: string;
  /** When it was created, in seconds since the epoch. */
  created?: number;
  /** Who owns it, e.g. `system`. */
  owned_by?: string;
  /** Whatever else the server sends. */
  [field: string]: unknown;
}

/** Where to ask. */
export interface ListModelsRequest {
  /** The API base URL, e.g. `https://api.openai.com/v1`. */
  baseURL: string;
  /** The bearer key; without one no `Authorization` header is sent. */
  apiKey?: string;
  /** Extra HTTP headers. */
  headers?: Record<string, string>;
  /** The keys.json name of the key, for the CLI's hint on a 401 or 403. */
  keyName?: string;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/**
 * The models the server lists, in its order.
 * @throws {ModelError} for an HTTP error, a refused connection, a body that is not a model list, or a body
 * holding only an `error` (some compatible servers answer 200 with one).
 */
export async function listOpenAIModels(request: ListModelsRequest): Promise<OpenAIModelInfo[]> {
  const url = request.baseURL.replace(/\/+$/, "") + "/models";
  const context = {
    baseURL: request.baseURL,
    keyName: request.keyName,
    signal: request.signal,
    lost: (detail: string) =>
      `The connection to ${request.baseURL} was lost while listing models (${detail})`,
  };
  let body: unknown;
  try {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          accept: "application/json",
          "user-agent": `llm-deno/${VERSION}`,
          ...(request.apiKey ? { authorization: `Bearer ${request.apiKey}` } : {}),
          ...request.headers,
        },
        signal: request.signal,
      });
    } catch (error) {
      if (request.signal?.aborted) throw error;
      throw OpenAIConnectionError.fromFetchError(error);
    }
    body = await readJsonOrText(response);
    if (!response.ok) throw new OpenAIHttpError(response.status, body);
  } catch (error) {
    throw openAIModelError(error, context);
  }
  const record = body as { data?: unknown; error?: unknown } | null;
  if (record && typeof record === "object" && record.error && !Array.isArray(record.data)) {
    const error = record.error as { message?: unknown };
    const message = typeof error === "object" && typeof error?.message === "string"
      ? error.message
      : JSON.stringify(record.error);
    throw new ModelError(message, { kind: "http", status: 200 });
  }
  if (!record || typeof record !== "object" || !Array.isArray(record.data)) {
    throw new ModelError(
      `The server at ${request.baseURL} did not send a model list ({"data": [...]}); check that it is an ` +
        "OpenAI-compatible API",
      { kind: "stream" },
    );
  }
  return (record.data as unknown[]).filter((m): m is OpenAIModelInfo =>
    typeof m === "object" && m !== null && typeof (m as { id?: unknown }).id === "string"
  );
}
