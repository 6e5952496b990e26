/**
 * The run of one `Response`, private to response.ts: what happens between `start()` and the end (the prompt
 * prepared and checked, the model's `execute()` read into the event log, a failure kept typed), and what the
 * run produced, which the response's readers wait on and read: its stream events, the usage, raw JSON and
 * tool calls the model set, its status, its error and its times. A response read back from storage gets the
 * same state, finished, and never runs. response.ts gives all of it its public face.
 * @module
 */
import { CancelledError } from "./errors.ts";
import { EventLog } from "./event_log.ts";
import { lazyImport } from "../lazy_import.ts";
import type { Message } from "./messages.ts";
import type { Response } from "./response.ts";
import type { RestoredResponse } from "./response_json.ts";
import type { ExecuteContext, ResponseStatus } from "./response_types.ts";
import { toCancelled, toTyped } from "./response_errors.ts";
import type { ToolCall, Usage } from "./stream.ts";
import { checkSupported } from "./supported.ts";
import { ulid } from "./ulid.ts";
import { isValidated } from "./validated_options.ts";

/** The time now, in epoch milliseconds (with a fraction). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** What one response's run produced so far, and the run that produces it. */
export class ResponseRun {
  /** Where the response is in its life. */
  status: ResponseStatus = "pending";
  /** Every stream event so far. */
  readonly log: EventLog = new EventLog();
  /** True when the latest chunks came as one array (a whole network read), so there is nothing to wait for. */
  gathered = false;
  /** The error it failed with, or was cancelled with, typed. */
  error: unknown;
  /** When it started, in epoch milliseconds; 0 before it starts. */
  startMs = 0;
  /** When it ended, in epoch milliseconds; 0 before it ends. */
  endMs = 0;
  /** Aborted to cancel the run; the model's `execute()` gets its signal. */
  readonly abort: AbortController = new AbortController();
  /** Resolved once the run has ended, whatever the outcome. */
  readonly ended: PromiseWithResolvers<void> = Promise.withResolvers<void>();
  /** Token usage, as the model set it. */
  usage: Usage = { input: null, output: null, details: null };
  /** The provider's raw response, as the model set it; `null` if it gave none. */
  json: unknown = null;
  /** The tool calls the model asked for. */
  toolCalls: ToolCall[] = [];
  #restoredMessages?: Message[];
  #run?: Promise<void>;
  #wake: (() => void)[] = [];

  /** True once it has finished, failed or been cancelled. */
  get done(): boolean {
    return this.status === "done" || this.status === "failed" || this.status === "cancelled";
  }

  /** Starts the run of `response` if it has not started; resolves when it ends (it never rejects). */
  start(response: Response, key?: string): Promise<void> {
    this.#run ??= this.#execute(response, key);
    return this.#run;
  }

  /** Aborts the run, unless it is aborted already. */
  cancel(reason?: unknown): void {
    if (!this.abort.signal.aborted) this.abort.abort(reason ?? new CancelledError());
  }

  /** Resolves when another event arrives or the run ends. */
  changed(): Promise<void> {
    return new Promise<void>((resolve) => this.#wake.push(resolve));
  }

  /** Records a tool call the model asked for. */
  addToolCall(call: ToolCall): void {
    // As Python llm does, a call without a provider id gets one, so its result can refer to it.
    this.toolCalls.push(
      call.toolCallId === undefined ? { ...call, toolCallId: `tc_${ulid().toLowerCase()}` } : call,
    );
  }

  /** The assistant message(s) of what arrived so far, or the stored ones of a restored response (copies). */
  messages(): Message[] {
    if (this.#restoredMessages) return structuredClone(this.#restoredMessages);
    return this.log.messages(this.toolCalls);
  }

  /** Puts the run in the finished state of a response read back from storage: it never runs. */
  restore(state: RestoredResponse): void {
    for (const event of state.events) this.log.push(event);
    this.#restoredMessages = state.messages;
    this.toolCalls = [...state.toolCalls];
    this.usage = { ...state.usage };
    this.startMs = state.startMs;
    this.endMs = state.endMs;
    this.status = "done";
    this.#run = Promise.resolve();
    this.ended.resolve();
  }

  async #execute(response: Response, apiKey: string | undefined): Promise<void> {
    const { model, prompt } = response;
    this.status = "running";
    this.startMs = nowMs();
    try {
      await prompt.prepare();
      await checkSupported(model, prompt);
      if (response.conversation) await response.conversation.prepareChain(response);
      if (Object.keys(prompt.options).length && !isValidated(prompt.options)) {
        // zod and the option code load only for a prompt that has options.
        const { validateOptions } = await lazyImport<typeof import("./options.ts")>(
          "./options.ts",
          import.meta.url,
        );
        prompt.options = await validateOptions(model.options, prompt.options, model.id);
      }
      const key = model.resolveKey(apiKey);
      const signal = this.abort.signal;
      const context: ExecuteContext = {
        stream: response.stream,
        response,
        conversation: response.conversation,
        key,
        signal,
      };
      for await (const chunk of model.execute(prompt, context)) {
        if (signal.aborted) break;
        if (Array.isArray(chunk)) {
          for (let i = 0; i < chunk.length; i++) this.log.push(chunk[i]); // no iterator per event
        } else this.log.push(chunk);
        this.gathered = Array.isArray(chunk);
        this.#notify();
      }
      if (signal.aborted) throw signal.reason ?? new CancelledError();
      this.status = "done";
    } catch (error) {
      this.error = this.abort.signal.aborted ? toCancelled(this.abort.signal.reason, error) : toTyped(error);
      this.status = this.abort.signal.aborted ? "cancelled" : "failed";
    } finally {
      this.endMs = nowMs();
      this.#notify();
      this.ended.resolve();
    }
  }

  #notify(): void {
    const waiting = this.#wake;
    this.#wake = [];
    for (const wake of waiting) wake();
  }
}
