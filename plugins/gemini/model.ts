/**
 * `GeminiModel`: one Gemini model over the Generative Language API. Every prompt goes to
 * `POST /v1beta/models/{id}:streamGenerateContent` (as `llm-gemini` does, streaming or not), whose JSON array
 * is read chunk by chunk into text, reasoning and tool-call events; the last chunk gives usage, the resolved
 * model and the response JSON. An answer that ends without a `finishReason` is an error.
 * @module
 */
import { type Chunk, type ExecuteContext, Model, ModelError, type Prompt } from "./_llm.ts";
import { ATTACHMENT_TYPES, type GeminiModelInfo, geminiModelInfo, serverSideToolsOf } from "./catalog.ts";
import { geminiFetch, streamedError } from "./client.ts";
import { GeminiChunkReader, outcomeOf } from "./events.ts";
import { IncompleteJsonError, MalformedJsonError, readJsonArray } from "./json_array.ts";
import { geminiOptions, type GeminiOptionValues } from "./options.ts";
import { type GeminiObject, geminiRequestBody } from "./request.ts";

/** The keys.json name of the Gemini key. */
export const GEMINI_KEY_NAME = "gemini";
/** The environment variable that may hold the Gemini key (the one `llm-gemini` reads). */
export const GEMINI_KEY_ENV_VAR = "LLM_GEMINI_KEY";

function asObject(value: unknown): GeminiObject | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? value as GeminiObject : undefined;
}

/** An abort signal that fires when nothing has arrived for `seconds`; `touch()` restarts the wait. */
class IdleTimeout {
  readonly #controller = new AbortController();
  readonly #ms: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  constructor(seconds: number) {
    this.#ms = seconds * 1000;
    this.touch();
  }
  get signal(): AbortSignal {
    return this.#controller.signal;
  }
  get fired(): boolean {
    return this.#controller.signal.aborted;
  }
  touch(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#controller.abort(), this.#ms);
  }
  clear(): void {
    clearTimeout(this.#timer);
  }
}

/**
 * A Gemini model, e.g. `gemini/gemini-2.5-flash` (alias `gemini-2.5-flash`).
 *
 * @example
 * ```ts ignore
 * import { GeminiModel } from "./model.ts";
 * const model = new GeminiModel("gemini-flash-latest");
 * console.log(await model.prompt("A joke about a pelican", { key: "..." }).text());
 * ```
 */
export class GeminiModel extends Model {
  /** The id the Gemini API knows, without the `gemini/` prefix. */
  readonly geminiId: string;
  /** What the model supports. */
  readonly info: GeminiModelInfo;

  /** Creates the model for the Gemini model `geminiId`. */
  constructor(geminiId: string) {
    const info = geminiModelInfo(geminiId);
    super(`gemini/${geminiId}`, {
      needsKey: GEMINI_KEY_NAME,
      keyEnvVar: GEMINI_KEY_ENV_VAR,
      canStream: true,
      supportsSchema: true,
      supportsTools: true,
      attachmentTypes: ATTACHMENT_TYPES,
      options: geminiOptions(info),
      serverSideTools: serverSideToolsOf(info),
    });
    this.geminiId = geminiId;
    this.info = info;
  }

  /** `GeminiPro: gemini/gemini-2.5-flash`, as Python `llm` lists it. */
  override get label(): string {
    return `GeminiPro: ${this.id}`;
  }

  /** Sends the prompt and yields the answer's events as its chunks arrive. */
  override async *execute(prompt: Prompt, context: ExecuteContext): AsyncIterable<Chunk> {
    const body = await geminiRequestBody(prompt, { info: this.info, modelId: this.id });
    const seconds = (prompt.options as GeminiOptionValues).timeout;
    const idle = seconds !== undefined && seconds > 0 ? new IdleTimeout(seconds) : undefined;
    const signal = idle ? AbortSignal.any([context.signal, idle.signal]) : context.signal;
    try {
      const response = await geminiFetch(`/v1beta/models/${this.geminiId}:streamGenerateContent`, {
        key: context.key ?? "",
        body,
        signal,
        what: this.id,
      });
      if (!response.body) throw new ModelError("Gemini sent an empty answer; try again", { kind: "stream" });
      const source = idle ? response.body.pipeThrough(touching(idle)) : response.body;
      yield* this.#read(source, context, signal);
    } catch (error) {
      if (idle?.fired && !context.signal.aborted) {
        throw new ModelError(
          `Gemini sent nothing for ${seconds} s (the timeout option); try again, or raise -o timeout`,
          { kind: "connection", cause: error },
        );
      }
      throw error;
    } finally {
      idle?.clear();
    }
  }

  async *#read(
    body: ReadableStream<Uint8Array>,
    context: ExecuteContext,
    signal: AbortSignal,
  ): AsyncGenerator<Chunk> {
    const reader = new GeminiChunkReader();
    let last: GeminiObject | undefined;
    let registered = 0;
    try {
      for await (const element of readJsonArray(body, signal)) {
        const chunk = asObject(element);
        if (!chunk) throw new MalformedJsonError("Gemini sent a chunk that is not a JSON object");
        const error = asObject(chunk.error);
        if (error) throw streamedError(error);
        last = chunk;
        yield* reader.read(chunk);
        for (; registered < reader.toolCalls.length; registered++) {
          context.response.addToolCall(reader.toolCalls[registered]);
        }
      }
    } catch (error) {
      if (last) this.#finish(context, last);
      // A body that ends cleanly after the chunk with the finishReason lacks only its closing bracket.
      const complete = error instanceof IncompleteJsonError && !error.connectionLost && reader.finishReason;
      if (complete) return;
      if (error instanceof IncompleteJsonError) {
        throw new ModelError(
          `The Gemini stream for ${this.id} stopped before the answer was finished (${error.message}); try again`,
          { kind: "stream", cause: error },
        );
      }
      if (error instanceof MalformedJsonError) {
        throw new ModelError(`Gemini sent a stream that cannot be read (${error.message}); try again`, {
          kind: "stream",
          cause: error,
        });
      }
      throw error;
    }
    if (last) this.#finish(context, last);
    if (!reader.finishReason) {
      const blocked = asObject(last?.promptFeedback)?.blockReason;
      if (typeof blocked === "string") {
        throw new ModelError(
          `Gemini refused the prompt (blockReason ${blocked}); rephrase it or remove what it objects to`,
          { kind: "other" },
        );
      }
      throw new ModelError(
        `The Gemini stream for ${this.id} ended without a finishReason, so the answer may be cut short; try again`,
        { kind: "stream" },
      );
    }
  }

  #finish(context: ExecuteContext, last: GeminiObject): void {
    const outcome = outcomeOf(last);
    context.response.setResponseJson(outcome.responseJson);
    if (outcome.resolvedModel) context.response.setResolvedModel(outcome.resolvedModel);
    if (outcome.usage) context.response.setUsage(outcome.usage);
  }
}

/** Passes bytes through, restarting the idle timeout at each read. */
function touching(idle: IdleTimeout): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      idle.touch();
      controller.enqueue(chunk);
    },
  });
}
