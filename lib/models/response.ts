/**
 * The streaming `Response`: created at once by `model.prompt()`, run on first iteration or `text()`. This
 * file is its public face; the run itself and the state it fills (stream events, usage, tool calls, status,
 * error, times) are in `_response_run.ts`, and its JSON form, written and read back, in `response_json.ts`.
 * @module
 */
import type { Conversation } from "./conversation.ts";
import { ResponseNotDoneError } from "./errors.ts";
import type { Message } from "./messages.ts";
import type { Model, PromptOptions } from "./model.ts";
import type { Prompt } from "./prompt.ts";
import type { StreamEvent, ToolCall, Usage } from "./stream.ts";
import { ulid } from "./ulid.ts";
import { lazyImport } from "../lazy_import.ts";
import { pythonIsoformat } from "../compat/isoformat.ts";
import { executeToolCalls, type ExecuteToolCallsOptions } from "./tool_calls.ts";
import type { Tool, ToolResult } from "./tool_spec.ts";
import type { ResponseInit, ResponseStatus } from "./response_types.ts";
import { nowMs, ResponseRun } from "./_response_run.ts";
import { type ResponseJson, responseToJson, restoredResponseInit } from "./response_json.ts";

export type { ExecuteContext, ResponseInit, ResponseStatus } from "./response_types.ts";

/**
 * A model's response. Iterate it for text chunks as they arrive, or `await response.text()`. It runs once:
 * later iterations replay the chunks, and `text()` returns the same text without a second request. `T` is
 * what `object()` gives: the type of the prompt's zod schema.
 *
 * @example
 * ```ts
 * import { getModel } from "../../mod.ts";
 * const response = getModel("gpt-4o-mini").prompt("Say hi");
 * for await (const chunk of response) console.log(chunk);
 * console.log((await response.usage()).output);
 * ```
 */
export class Response<T = unknown> implements AsyncIterable<string> {
  /** A ULID, as Python `llm` uses. */
  readonly id: string = ulid();
  /** The model that runs it. */
  readonly model: Model;
  /** What is sent. */
  readonly prompt: Prompt;
  /** Whether it streams. */
  readonly stream: boolean;
  /** The conversation it belongs to, if any. */
  readonly conversation?: Conversation;
  /** The model id the provider reported using, when it differs from the one asked for. */
  resolvedModel: string | null = null;

  #key?: string;
  /** Its run and what the run produced: events, usage, tool calls, status, error, times (_response_run.ts). */
  #run = new ResponseRun();

  /** Creates a response; nothing runs until it is iterated or `text()` is called. */
  constructor(init: ResponseInit) {
    this.model = init.model;
    this.prompt = init.prompt;
    this.stream = (init.stream ?? true) && init.model.canStream;
    this.conversation = init.conversation;
    this.#key = init.key;
    if (init.restored) {
      if (init.restored.id) this.id = init.restored.id;
      this.resolvedModel = init.restored.resolvedModel;
      this.#run.restore(init.restored);
    }
    if (init.signal) {
      if (init.signal.aborted) this.#run.abort.abort(init.signal.reason);
      else init.signal.addEventListener("abort", () => this.cancel(init.signal?.reason), { once: true });
    }
  }

  /** Where the response is in its life. */
  get status(): ResponseStatus {
    return this.#run.status;
  }

  /** True once it has finished, failed or been cancelled. */
  get done(): boolean {
    return this.#run.done;
  }

  /** The error it failed with, if it failed or was cancelled. */
  get error(): unknown {
    return this.#run.error;
  }

  /** Starts the response if it has not started; resolves when it ends (it never rejects). */
  start(): Promise<void> {
    return this.#run.start(this, this.#key);
  }

  /** Cancels a running response; what arrived so far is kept, and iteration ends with a `CancelledError`. */
  cancel(reason?: unknown): void {
    this.#run.cancel(reason);
  }

  /** Yields every stream event (text, reasoning, tool calls) as it arrives; replays once finished. */
  async *streamEvents(): AsyncGenerator<StreamEvent> {
    void this.start();
    const run = this.#run;
    let index = 0;
    while (true) {
      while (index < run.log.length) yield run.log.at(index++);
      if (run.done) break;
      await run.changed();
    }
    if (run.status !== "done") throw run.error;
  }

  /**
   * Yields the stream events in batches: everything that arrived together (a provider that yields an array of
   * chunks per network read gives one batch per read; single chunks of one turn of the event loop are gathered
   * too), so a writer can write once per read instead of once per event. No event waits for a later read.
   * Replays once finished; throws the response's error at the end.
   */
  async *eventBatches(): AsyncGenerator<StreamEvent[]> {
    void this.start();
    const run = this.#run;
    let index = 0;
    while (true) {
      if (index < run.log.length) {
        // A provider that yields one chunk at a time: let the rest of this turn's chunks (queued microtasks)
        // arrive, so they are written together.
        if (!run.gathered && !run.done) await new Promise<void>((resolve) => setTimeout(resolve, 0));
        const batch: StreamEvent[] = [];
        while (index < run.log.length) batch.push(run.log.at(index++));
        yield batch;
        continue;
      }
      if (run.done) break;
      await run.changed();
    }
    if (run.status !== "done") throw run.error;
  }

  /** Yields text chunks as they arrive (reasoning and tool events left out). */
  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    for await (const event of this.streamEvents()) {
      if (event.type === "text" && event.chunk) yield event.chunk;
    }
  }

  async #finished(): Promise<void> {
    await this.start();
    if (this.#run.status !== "done") throw this.#run.error;
  }

  /** The whole text; runs the response if needed. Rejects with a typed error if it failed. */
  async text(): Promise<string> {
    await this.#finished();
    return this.textSoFar();
  }

  /**
   * The answer of a prompt with a schema, parsed from JSON and validated against it: a zod schema's output
   * (typed), or a JSON object checked against a JSON schema or the DSL (`{ items: [...] }` with
   * `schemaMulti`). Runs the response if needed.
   * @throws {import("./structured.ts").StructuredOutputError} when the answer is not JSON or does not match,
   * naming the path that failed (`items[0].age`).
   */
  async object(): Promise<T> {
    const text = await this.text();
    const { parseStructured } = await lazyImport<typeof import("./structured.ts")>(
      "./structured.ts",
      import.meta.url,
    );
    return await parseStructured(text, this.prompt) as T;
  }

  /** The text received so far, without waiting (all of it once done; what arrived before a failure). */
  textSoFar(): string {
    return this.#run.log.text();
  }

  /** The reasoning text received so far. */
  reasoningSoFar(): string {
    return this.#run.log.reasoning();
  }

  /** The provider's raw response (or the data gathered from the stream); `null` if it gave none. */
  async json(): Promise<unknown> {
    await this.#finished();
    return this.#run.json;
  }

  /** The provider's raw response as known now, without waiting. */
  jsonSoFar(): unknown {
    return this.#run.json;
  }

  /** Token usage. */
  async usage(): Promise<Usage> {
    await this.#finished();
    return this.usageSoFar();
  }

  /** Token usage as known now, without waiting. */
  usageSoFar(): Usage {
    return { ...this.#run.usage };
  }

  /** Usage as Python `llm` prints it: `5 input, 3 output`. */
  async tokenUsage(): Promise<string> {
    const { tokenUsageString } = await lazyImport<typeof import("./token_usage.ts")>(
      "./token_usage.ts",
      import.meta.url,
    );
    return tokenUsageString(await this.usage());
  }

  /** Milliseconds from start to end. */
  async durationMs(): Promise<number> {
    await this.start();
    return this.durationMsSoFar();
  }

  /** Milliseconds from start to end (or to now while it runs); 0 before it starts. */
  durationMsSoFar(): number {
    const { startMs, endMs } = this.#run;
    if (!startMs) return 0;
    return Math.round((endMs || nowMs()) - startMs);
  }

  /** When it started, in ISO 8601 UTC with microseconds (`2026-01-01T12:00:00.123456+00:00`). */
  async datetimeUtc(): Promise<string> {
    await this.start();
    return this.datetimeUtcSoFar();
  }

  /** When it started; the current time before it starts. */
  datetimeUtcSoFar(): string {
    return pythonIsoformat(this.#run.startMs || nowMs());
  }

  /** Tool calls the model asked for. */
  async toolCalls(): Promise<ToolCall[]> {
    await this.#finished();
    return [...this.#run.toolCalls];
  }

  /** The assistant message(s) this response produced, assembled from its stream. */
  async messages(): Promise<Message[]> {
    await this.#finished();
    return this.messagesSoFar();
  }

  /**
   * The assistant message(s) assembled from what arrived so far (usually one; empty when nothing did).
   * Providers that run tools themselves may produce several, marked by their events' `messageIndex`.
   */
  messagesSoFar(): Message[] {
    return this.#run.messages();
  }

  /**
   * The whole text of a finished response, without waiting (Python's `text_or_raise`).
   * @throws {ResponseNotDoneError} when it has not finished yet.
   * @throws the response's own error when it failed or was cancelled.
   */
  textOrThrow(): string {
    const { status, error } = this.#run;
    if (status === "done") return this.textSoFar();
    if (status === "failed" || status === "cancelled") throw error;
    throw new ResponseNotDoneError(this.id, status, "read");
  }

  /**
   * Calls `callback` with this response once it has ended (finished, failed or cancelled: see `status`); at
   * once if it has. Registering does not start the response. The promise settles when the callback has run,
   * and rejects with what it throws.
   */
  onDone(callback: (response: this) => void | Promise<void>): Promise<void> {
    return this.#run.ended.promise.then(() => callback(this));
  }

  /**
   * A follow-up prompt to this response: sent with this response's input chain and its answer as history.
   * Replying to the latest response of a conversation continues it; replying to any other response (or one
   * without a conversation) starts a branch, a new `Conversation` with the same id, from this response. The
   * tools of this prompt are offered again unless `options` names others. Results of this response's tool
   * calls are sent only when given (`toolResults`).
   */
  reply(text?: string, options: PromptOptions = {}): Response {
    const offered = { tools: this.prompt.tools, serverSideTools: this.prompt.serverSideTools };
    const conversation = this.conversation;
    if (conversation && conversation.responses.at(-1) === this) {
      return conversation.prompt(text, { ...offered, ...options });
    }
    const branch = this.model.conversation({ id: conversation?.id, name: conversation?.name });
    branch.responses.push(this);
    return branch.prompt(text, { ...offered, ...options });
  }

  /**
   * The finished response as JSON (Python llm's `to_dict()`; `JSON.stringify(response)` calls it): see
   * `lib/models/response_json.ts` for the shape, which Python llm reads too.
   * @throws {ResponseNotDoneError} when it has not finished, or failed.
   */
  toJSON(): ResponseJson {
    return responseToJson(this);
  }

  /**
   * A finished response read back from its JSON (Python llm's `Response.from_dict()`, whose JSON it also
   * reads): `text()`, `messages()`, `usage()` and iteration give what was stored, without a request, and
   * `reply()` continues from it. `options.model` replaces the stored model (by default the registry's model
   * of that id); a response stored with its conversation's id comes back in a conversation of that id.
   * @throws {InvalidResponseJsonError} for JSON that is not a response's.
   * @throws {UnknownModelError} when the stored model is not installed and none is given.
   */
  static fromJSON(data: unknown, options: { model?: Model; conversation?: Conversation } = {}): Response {
    const response = new Response(restoredResponseInit(data, options));
    // A response stored with its conversation comes back in one (of it alone), so reply() continues it.
    const conversation = response.conversation;
    if (conversation && !options.conversation) conversation.responses.push(response);
    return response;
  }

  /** Sets token usage; called by model implementations. */
  setUsage(usage: Partial<Usage>): void {
    this.#run.usage = { ...this.#run.usage, ...usage };
  }

  /** Sets the provider's raw response; called by model implementations. */
  setResponseJson(json: unknown): void {
    this.#run.json = json;
  }

  /** Records the model id the provider actually used; called by model implementations. */
  setResolvedModel(id: string | null): void {
    this.resolvedModel = id;
  }

  /**
   * Runs the tool calls of this response with the tools of its prompt (see `executeToolCalls`); the results, in
   * the order of the calls, are what a follow-up prompt sends back as `toolResults`.
   */
  async executeToolCalls(options: ExecuteToolCallsOptions = {}): Promise<ToolResult[]> {
    const calls = (await this.toolCalls()).filter((call) => !call.serverExecuted);
    const tools = this.prompt.tools.filter((tool): tool is Tool =>
      typeof (tool as Tool).implementation === "function"
    );
    return await executeToolCalls(calls, tools, options);
  }

  /** Records a tool call the model asked for; called by model implementations. */
  addToolCall(call: ToolCall): void {
    this.#run.addToolCall(call);
  }
}
