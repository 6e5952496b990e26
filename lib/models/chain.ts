/**
 * A chain: a prompt with tools, run as model → tool calls → results → model, until the model stops calling
 * tools (or the chain limit is reached). Each round is a `Response` of its own (logged as a turn of its own, as
 * Python `llm` logs them), in one conversation; the chain streams the text of all of them.
 * @module
 */
import type { Conversation } from "./conversation.ts";
import { ChainLimitError } from "./errors.ts";
import type { ToolResultPart } from "./messages.ts";
import type { Model, PromptOptions } from "./model.ts";
import type { Response } from "./response.ts";
import type { StreamEvent } from "./stream.ts";
import { type AfterToolCall, type BeforeToolCall, executeToolCalls } from "./tool_calls.ts";
import type { Tool, ToolResult } from "./tool_spec.ts";

/** Options of `model.chain()` and `conversation.chain()`: a prompt's options, and how the tools run. */
export interface ChainOptions extends Omit<PromptOptions, "tools" | "toolResults" | "conversation"> {
  /** The tools the model may call. */
  tools?: Tool[];
  /** The most rounds of tool calls (default 5; 0 for no limit). */
  chainLimit?: number;
  /** Called before each tool call; throw `CancelToolCall` to refuse it. */
  beforeCall?: BeforeToolCall;
  /** Called after each tool call, with its result. */
  afterCall?: AfterToolCall;
  /** The most one tool call may take, in milliseconds (default 60 000; 0 for no limit). */
  toolTimeoutMs?: number;
}

/** A tool result as the part of the `tool` message sent back. */
export function toolResultPart(result: ToolResult): ToolResultPart {
  return {
    type: "tool_result",
    name: result.name,
    output: result.output,
    ...(result.toolCallId !== undefined ? { tool_call_id: result.toolCallId } : {}),
    ...(result.exception !== undefined ? { exception: result.exception } : {}),
  };
}

/**
 * The responses of a chain, and its text across all of them. It runs when read: iterate `responses()` to see
 * each round (the next starts once the tools of one have run), iterate the chain itself for text, or call
 * `text()`.
 *
 * @example
 * ```ts
 * import { getModel } from "../../mod.ts";
 * import { defineTool } from "../tools/define.ts";
 * const add = defineTool({
 *   name: "add",
 *   description: "Add two numbers",
 *   inputSchema: { properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"], type: "object" },
 *   implementation: ({ a, b }) => Number(a) + Number(b),
 * });
 * const chain = getModel("4o-mini").chain("What is 2 + 3?", { tools: [add] });
 * for await (const text of chain) console.log(text);
 * ```
 */
export class ChainResponse implements AsyncIterable<string> {
  /** The conversation the rounds belong to. */
  readonly conversation: Conversation;
  readonly #text: string | undefined;
  readonly #options: ChainOptions;
  readonly #made: Response[] = [];
  #rounds?: AsyncGenerator<Response>;
  #done = false;
  #error: unknown;
  #wake: (() => void)[] = [];

  /** Made by `model.chain()` or `conversation.chain()`. */
  constructor(conversation: Conversation, text: string | undefined, options: ChainOptions = {}) {
    this.conversation = conversation;
    this.#text = text;
    this.#options = options;
  }

  /** The model the chain talks to. */
  get model(): Model {
    return this.conversation.model;
  }

  /** The most rounds of tool calls (0: no limit). */
  get chainLimit(): number {
    return this.#options.chainLimit ?? 5;
  }

  /** The responses made so far, in order. */
  responsesSoFar(): Response[] {
    return [...this.#made];
  }

  /**
   * Yields each round's response as it is made; the next round starts once the consumer asks for it, after the
   * tools this round called have run. A round that fails ends the chain (its error is on the response).
   * @throws {ChainLimitError} when the model asks for tool calls beyond the chain limit (the rounds before it
   *   are kept, and were yielded).
   */
  async *responses(): AsyncGenerator<Response> {
    let index = 0;
    this.#rounds ??= this.#run();
    while (true) {
      if (index < this.#made.length) {
        yield this.#made[index++];
        continue;
      }
      if (this.#done) break;
      const next = this.#rounds.next();
      const { done } = await next;
      if (done) break;
    }
    if (this.#error !== undefined) throw this.#error;
  }

  async *#run(): AsyncGenerator<Response> {
    const { tools = [], chainLimit: _limit, beforeCall, afterCall, toolTimeoutMs, ...promptOptions } =
      this.#options;
    try {
      let response: Response | undefined = this.conversation.prompt(this.#text, { ...promptOptions, tools });
      let rounds = 0;
      while (response) {
        rounds++;
        this.#made.push(response);
        this.#notify();
        yield response;
        await response.start();
        if (response.status !== "done") return;
        const calls = (await response.toolCalls()).filter((call) => !call.serverExecuted);
        if (!calls.length) return;
        if (this.chainLimit && rounds >= this.chainLimit) throw new ChainLimitError(this.chainLimit);
        const results = await executeToolCalls(calls, tools, {
          beforeCall,
          afterCall,
          timeoutMs: toolTimeoutMs,
          signal: promptOptions.signal,
        });
        response = this.conversation.prompt(undefined, {
          ...promptOptions,
          tools,
          messages: [...response.prompt.messages, ...response.messagesSoFar()],
          toolResults: results.map(toolResultPart),
        });
      }
    } catch (error) {
      this.#error = error;
    } finally {
      this.#done = true;
      this.#notify();
    }
  }

  #notify(): void {
    const waiting = this.#wake;
    this.#wake = [];
    for (const wake of waiting) wake();
  }

  /**
   * Yields the text of every round as it arrives, with a space where one round's text would run straight
   * into the next ("...have dragons.Now that..."), as Python `llm` does; the space is shown only, never stored.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    let last = "";
    for await (const response of this.responses()) {
      let first = true;
      for await (const chunk of response) {
        if (first && last && !/\s$/.test(last) && !/^\s/.test(chunk)) yield " ";
        first = false;
        last = chunk;
        yield chunk;
      }
    }
  }

  /** Every stream event of every round, in order. */
  async *streamEvents(): AsyncGenerator<StreamEvent> {
    for await (const response of this.responses()) yield* response.streamEvents();
  }

  /** The text of all the rounds, as the chain iterates it. */
  async text(): Promise<string> {
    let out = "";
    for await (const chunk of this) out += chunk;
    return out;
  }
}
