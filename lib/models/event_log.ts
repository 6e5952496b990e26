/**
 * The stream events of one response, in order, kept so that the response can be replayed, its text and
 * reasoning read, and its messages assembled.
 * @module
 */
import { assembleMessageParts, type IndexedEvent, PartIndexer } from "./assemble.ts";
import type { Message } from "./messages.ts";
import type { Chunk, StreamEvent, ToolCall } from "./stream.ts";

/**
 * Every stream event of a response so far. A text chunk a provider yielded as a plain string is kept as that
 * string and made an event object only when handed out ({@link EventLog.at}): an object per event, alive for
 * the whole stream, made the garbage collector copy 20,000 of them through every young-generation collection
 * (about 30 ms of a 20,000-chunk stream), while the strings are kept anyway for the text.
 *
 * @example
 * ```ts
 * import { EventLog } from "./event_log.ts";
 * const log = new EventLog();
 * log.push("Hel");
 * log.push({ type: "text", chunk: "lo" });
 * console.log(log.text(), log.length); // "Hello" 2
 * ```
 */
export class EventLog {
  #events: (StreamEvent | string)[] = [];
  #indexed: IndexedEvent[] = [];
  #indexer = new PartIndexer();
  #textChunks: string[] = [];
  /** True while every event so far is a plain text string: the answer is then one text part. */
  #plainText = true;

  /** How many events there are. */
  get length(): number {
    return this.#events.length;
  }

  /** Adds a chunk as a provider yielded it. */
  push(chunk: Chunk): void {
    this.#events.push(chunk);
    if (typeof chunk === "string") {
      if (chunk) this.#textChunks.push(chunk);
      return;
    }
    this.#plainText = false;
    if (chunk.type === "text" && chunk.chunk) this.#textChunks.push(chunk.chunk);
  }

  /** The event at `index`: a plain string is a text event. */
  at(index: number): StreamEvent {
    const event = this.#events[index];
    return typeof event === "string" ? { type: "text", chunk: event } : event;
  }

  /** All the text. The chunks are joined once, and kept joined: logging a response asks for it several times. */
  text(): string {
    if (this.#textChunks.length > 1) this.#textChunks = [this.#textChunks.join("")];
    return this.#textChunks[0] ?? "";
  }

  /** All the reasoning text. */
  reasoning(): string {
    let text = "";
    for (const e of this.#events) if (typeof e !== "string" && e.type === "reasoning") text += e.chunk;
    return text;
  }

  /**
   * The assistant message(s) these events and `toolCalls` make (usually one; empty when nothing arrived).
   * Providers that run tools themselves may produce several, marked by their events' `messageIndex`.
   */
  messages(toolCalls: ToolCall[]): Message[] {
    // Only plain text chunks: they make one text part (what assembling 20,000 events one by one would give).
    if (this.#plainText && !toolCalls.length) {
      const text = this.text();
      return text ? [{ role: "assistant", parts: [{ type: "text", text }] }] : [];
    }
    return assembleMessageParts(this.#indexedEvents(), toolCalls).map((parts) => ({
      role: "assistant",
      parts,
    }));
  }

  /** Every event with its part index, indexed when first asked for (a plain stream never needs them). */
  #indexedEvents(): IndexedEvent[] {
    for (let i = this.#indexed.length; i < this.#events.length; i++) {
      const event = this.at(i);
      this.#indexed.push({ event, partIndex: this.#indexer.indexOf(event) });
    }
    return this.#indexed;
  }
}
