/**
 * The streaming `Response`: created at once by `model.prompt()`, run on first iteration or `text()`.
 * @module
 */
import type { Conversation } from "./conversation.ts";
import { CancelledError, ResponseNotDoneError } from "./errors.ts";
import { EventLog } from "./event_log.ts";
import type { Message } from "./messages.ts";
import type { Model, PromptOptions } from "./model.ts";
import type { Prompt } from "./prompt.ts";
import type { StreamEvent, ToolCall, Usage } from "./stream.ts";
import { ulid } from "./ulid.ts";
import { lazyImport } from "../lazy_import.ts";
import { pythonIsoformat } from "../compat/isoformat.ts";
import { isValidated } from "./validated_options.ts";
import { executeToolCalls, type ExecuteToolCallsOptions } from "./tool_calls.ts";
import type { Tool, ToolResult } from "./tool_spec.ts";
import { lookupModel } from "./late_bound.ts";
import { checkSupported } from "./supported.ts";
import type { ExecuteContext, ResponseInit, ResponseStatus } from "./response_types.ts";
import { toCancelled, toTyped } from "./response_errors.ts";
import {
  checkResponseJson,
  type ResponseJson,
  responseToJson,
  restoredPrompt,
  type RestoredResponse,
  restoredState,
} from "./response_json.ts";

export type { ExecuteContext, ResponseInit, ResponseStatus } from "./response_types.ts";

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

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
  #status: ResponseStatus = "pending";
  /** Every stream event so far. */
  #log = new EventLog();
  /** True when the latest chunks came as one array (a whole network read), so there is nothing to wait for. */
  #gathered = false;
  #error: unknown;
  #json: unknown = null;
  #usage: Usage = { input: null, output: null, details: null };
  #toolCalls: ToolCall[] = [];
  #startMs = 0;
  #endMs = 0;
  #run?: Promise<void>;
  #wake: (() => void)[] = [];
  #abort = new AbortController();
  #ended = Promise.withResolvers<void>();
  #restoredMessages?: Message[];

  /** Creates a response; nothing runs until it is iterated or `text()` is called. */
  constructor(init: ResponseInit) {
    this.model = init.model;
    this.prompt = init.prompt;
    this.stream = (init.stream ?? true) && init.model.canStream;
    this.conversation = init.conversation;
    this.#key = init.key;
    if (init.restored) {
      if (init.restored.id) this.id = init.restored.id;
      this.#restore(init.restored);
    }
    if (init.signal) {
      if (init.signal.aborted) this.#abort.abort(init.signal.reason);
      else init.signal.addEventListener("abort", () => this.cancel(init.signal?.reason), { once: true });
    }
  }

  /** Where the response is in its life. */
  get status(): ResponseStatus {
    return this.#status;
  }

  /** True once it has finished, failed or been cancelled. */
  get done(): boolean {
    return this.#status === "done" || this.#status === "failed" || this.#status === "cancelled";
  }

  /** The error it failed with, if it failed or was cancelled. */
  get error(): unknown {
    return this.#error;
  }

  /** Starts the response if it has not started; resolves when it ends (it never rejects). */
  start(): Promise<void> {
    this.#run ??= this.#execute();
    return this.#run;
  }

  /** Cancels a running response; what arrived so far is kept, and iteration ends with a `CancelledError`. */
  cancel(reason?: unknown): void {
    if (!this.#abort.signal.aborted) this.#abort.abort(reason ?? new CancelledError());
  }

  async #execute(): Promise<void> {
    this.#status = "running";
    this.#startMs = nowMs();
    try {
      await this.prompt.prepare();
      await checkSupported(this.model, this.prompt);
      if (this.conversation) await this.conversation.prepareChain(this);
      if (Object.keys(this.prompt.options).length && !isValidated(this.prompt.options)) {
        // zod and the option code load only for a prompt that has options.
        const { validateOptions } = await lazyImport<typeof import("./options.ts")>(
          "./options.ts",
          import.meta.url,
        );
        this.prompt.options = await validateOptions(this.model.options, this.prompt.options, this.model.id);
      }
      const key = this.model.resolveKey(this.#key);
      const signal = this.#abort.signal;
      const context: ExecuteContext = {
        stream: this.stream,
        response: this,
        conversation: this.conversation,
        key,
        signal,
      };
      for await (const chunk of this.model.execute(this.prompt, context)) {
        if (signal.aborted) break;
        if (Array.isArray(chunk)) {
          for (let i = 0; i < chunk.length; i++) this.#log.push(chunk[i]); // no iterator per event
        } else this.#log.push(chunk);
        this.#gathered = Array.isArray(chunk);
        this.#notify();
      }
      if (signal.aborted) throw signal.reason ?? new CancelledError();
      this.#status = "done";
    } catch (error) {
      this.#error = this.#abort.signal.aborted
        ? toCancelled(this.#abort.signal.reason, error)
        : toTyped(error);
      this.#status = this.#abort.signal.aborted ? "cancelled" : "failed";
    } finally {
      this.#endMs = nowMs();
      this.#notify();
      this.#ended.resolve();
    }
  }

  /** Puts a response read back from storage in its finished state. */
  #restore(state: RestoredResponse): void {
    for (const event of state.events) this.#log.push(event);
    this.#restoredMessages = state.messages;
    this.#toolCalls = [...state.toolCalls];
    this.#usage = { ...state.usage };
    this.#startMs = state.startMs;
    this.#endMs = state.endMs;
    this.resolvedModel = state.resolvedModel;
    this.#status = "done";
    this.#run = Promise.resolve();
    this.#ended.resolve();
  }

  #notify(): void {
    const waiting = this.#wake;
    this.#wake = [];
    for (const wake of waiting) wake();
  }

  /** Yields every stream event (text, reasoning, tool calls) as it arrives; replays once finished. */
  async *streamEvents(): AsyncGenerator<StreamEvent> {
    void this.start();
    let index = 0;
    while (true) {
      while (index < this.#log.length) yield this.#log.at(index++);
      if (this.done) break;
      await new Promise<void>((resolve) => this.#wake.push(resolve));
    }
    if (this.#status !== "done") throw this.#error;
  }

  /**
   * Yields the stream events in batches: everything that arrived together (a provider that yields an array of
   * chunks per network read gives one batch per read; single chunks of one turn of the event loop are gathered
   * too), so a writer can write once per read instead of once per event. No event waits for a later read. Replays once finished; throws the response's error at
   * the end.
   */
  async *eventBatches(): AsyncGenerator<StreamEvent[]> {
    void this.start();
    let index = 0;
    while (true) {
      if (index < this.#log.length) {
        // A provider that yields one chunk at a time: let the rest of this turn's chunks (queued microtasks)
        // arrive, so they are written together.
        if (!this.#gathered && !this.done) await new Promise<void>((resolve) => setTimeout(resolve, 0));
        const batch: StreamEvent[] = [];
        while (index < this.#log.length) batch.push(this.#log.at(index++));
        yield batch;
        continue;
      }
      if (this.done) break;
      await new Promise<void>((resolve) => this.#wake.push(resolve));
    }
    if (this.#status !== "done") throw this.#error;
  }

  /** Yields text chunks as they arrive (reasoning and tool events left out). */
  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    for await (const event of this.streamEvents()) {
      if (event.type === "text" && event.chunk) yield event.chunk;
    }
  }

  async #finished(): Promise<void> {
    await this.start();
    if (this.#status !== "done") throw this.#error;
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
    return this.#log.text();
  }

  /** The reasoning text received so far. */
  reasoningSoFar(): string {
    return this.#log.reasoning();
  }

  /** The provider's raw response (or the data gathered from the stream); `null` if it gave none. */
  async json(): Promise<unknown> {
    await this.#finished();
    return this.#json;
  }

  /** The provider's raw response as known now, without waiting. */
  jsonSoFar(): unknown {
    return this.#json;
  }

  /** Token usage. */
  async usage(): Promise<Usage> {
    await this.#finished();
    return this.usageSoFar();
  }

  /** Token usage as known now, without waiting. */
  usageSoFar(): Usage {
    return { ...this.#usage };
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
    if (!this.#startMs) return 0;
    return Math.round((this.#endMs || nowMs()) - this.#startMs);
  }

  /** When it started, in ISO 8601 UTC with microseconds (`2026-01-01T12:00:00.123456+00:00`). */
  async datetimeUtc(): Promise<string> {
    await this.start();
    return this.datetimeUtcSoFar();
  }

  /** When it started; the current time before it starts. */
  datetimeUtcSoFar(): string {
    return pythonIsoformat(this.#startMs || nowMs());
  }

  /** Tool calls the model asked for. */
  async toolCalls(): Promise<ToolCall[]> {
    await this.#finished();
    return [...this.#toolCalls];
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
    if (this.#restoredMessages) return structuredClone(this.#restoredMessages);
    return this.#log.messages(this.#toolCalls);
  }

  /**
   * The whole text of a finished response, without waiting (Python's `text_or_raise`).
   * @throws {ResponseNotDoneError} when it has not finished yet.
   * @throws the response's own error when it failed or was cancelled.
   */
  textOrThrow(): string {
    if (this.#status === "done") return this.textSoFar();
    if (this.#status === "failed" || this.#status === "cancelled") throw this.#error;
    throw new ResponseNotDoneError(this.id, this.#status, "read");
  }

  /**
   * Calls `callback` with this response once it has ended (finished, failed or cancelled: see `status`); at
   * once if it has. Registering does not start the response. The promise settles when the callback has run,
   * and rejects with what it throws.
   */
  onDone(callback: (response: this) => void | Promise<void>): Promise<void> {
    return this.#ended.promise.then(() => callback(this));
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
    const { input, output, json } = checkResponseJson(data);
    const model = options.model ?? lookupModel(json.model);
    // A response stored with its conversation comes back in one (of it alone), so reply() continues it.
    const stored = json.conversation;
    const conversation = options.conversation ??
      (typeof stored?.id === "string" ? model.conversation({ id: stored.id, name: stored.name }) : undefined);
    const response = new Response({
      model,
      prompt: restoredPrompt(json, input),
      stream: false,
      conversation,
      restored: restoredState(json, output),
    });
    if (conversation && !options.conversation) conversation.responses.push(response);
    return response;
  }

  /** Sets token usage; called by model implementations. */
  setUsage(usage: Partial<Usage>): void {
    this.#usage = { ...this.#usage, ...usage };
  }

  /** Sets the provider's raw response; called by model implementations. */
  setResponseJson(json: unknown): void {
    this.#json = json;
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
    // As Python llm does, a call without a provider id gets one, so its result can refer to it.
    this.#toolCalls.push(
      call.toolCallId === undefined ? { ...call, toolCallId: `tc_${ulid().toLowerCase()}` } : call,
    );
  }
}
