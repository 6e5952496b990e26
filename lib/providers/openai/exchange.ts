/**
 * The one request-and-stream skeleton of the OpenAI APIs (Chat Completions, Responses, completions): open the
 * connection, POST the body (streamed or not), hand the events or the JSON to the API's reader, count the text
 * that arrived, and turn any failure into a `ModelError` that says how far the response got.
 * @module
 */
import type { ExecuteContext } from "../../models/response.ts";
import type { Chunk } from "../../models/stream.ts";
import { loadHttpClient, type OpenAIBaseModel } from "./base_model.ts";
import type { AnswerChecks } from "./http.ts";

/** One API's side of an exchange: where it posts, what it sends, how it reads the answer. */
export interface OpenAIExchange {
  /** The path under the base URL, e.g. `/chat/completions`. */
  path: string;
  /** The request body, without `stream` (the skeleton sets it). */
  body: Record<string, unknown>;
  /**
   * Reads a streamed answer: the data of its server-sent events, parsed, one array per network read; yields
   * the chunks of each read as one array.
   */
  readStream(
    events: AsyncIterable<Record<string, unknown>[]>,
    context: ExecuteContext,
  ): AsyncIterable<Chunk | Chunk[]>;
  /** Reads a whole answer. */
  readJson(json: Record<string, unknown>, context: ExecuteContext): AsyncIterable<Chunk> | Iterable<Chunk>;
  /**
   * What a whole answer and the end of a streamed one look like: a body that is not the answer is an error, and
   * a stream that stops before its end is cut short, like a dropped connection.
   */
  checks: AnswerChecks;
}

/** Runs `exchange` for `model`, yielding what its reader yields. */
export async function* runExchange(
  model: OpenAIBaseModel,
  context: ExecuteContext,
  exchange: OpenAIExchange,
): AsyncGenerator<Chunk | Chunk[]> {
  const { signal, stream } = context;
  const connection = model.connection(context.key, signal);
  const { postJson, postStream } = await loadHttpClient();
  let received = 0;
  try {
    const chunks = stream
      ? exchange.readStream(
        postStream(connection, exchange.path, { ...exchange.body, stream: true }, exchange.checks),
        context,
      )
      : exchange.readJson(
        await postJson(connection, exchange.path, { ...exchange.body, stream: false }, exchange.checks),
        context,
      );
    for await (const chunk of chunks) {
      if (typeof chunk === "string") received += chunk.length;
      else if (Array.isArray(chunk)) {
        for (let i = 0; i < chunk.length; i++) {
          const c = chunk[i];
          if (typeof c === "string") received += c.length;
        }
      }
      yield chunk;
    }
  } catch (error) {
    throw model.toModelError(error, received, signal);
  }
}
