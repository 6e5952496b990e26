/**
 * Assembling a response's stream events into message parts, as Python `llm` 0.32 does: every event gets a
 * part index as it arrives (consecutive text or reasoning share one; tool-call events group by call id; a tool
 * result always starts its own), events with the same index make one part, a new `messageIndex` starts a new
 * assistant message, and redacted reasoning is hoisted to the front of its message.
 * @module
 */
import type { Part, ReasoningPart, ToolCallPart } from "./messages.ts";
import type { StreamEvent, StreamEventType, ToolCall } from "./stream.ts";

type Family = "text" | "reasoning" | "tool_call" | "tool_result";

function familyOf(type: StreamEventType): Family {
  return type === "tool_call_name" || type === "tool_call_args" ? "tool_call" : type;
}

/** Gives each event of a stream its part index, in arrival order (Python's `_resolve_part_index`). */
export class PartIndexer {
  #max = -1;
  #lastFamily: Family | undefined;
  #lastIndex: number | undefined;
  #lastMessage = 0;
  #byCallId = new Map<string, number>();

  /** The part index of `event` (its own `partIndex` when set). */
  indexOf(event: StreamEvent): number {
    const family = familyOf(event.type);
    const message = event.messageIndex ?? 0;
    // A message boundary always starts a fresh part: text either side of it must not join.
    if (message !== this.#lastMessage) {
      this.#lastFamily = undefined;
      this.#lastIndex = undefined;
    }
    this.#lastMessage = message;
    if (event.partIndex !== undefined) {
      this.#max = Math.max(this.#max, event.partIndex);
      if (family === "tool_call" && event.toolCallId) this.#byCallId.set(event.toolCallId, event.partIndex);
      return this.#use(event.partIndex, family);
    }
    if (family === "tool_call") {
      if (event.toolCallId) {
        const known = this.#byCallId.get(event.toolCallId);
        if (known !== undefined) return this.#use(known, family);
        const index = ++this.#max;
        this.#byCallId.set(event.toolCallId, index);
        return this.#use(index, family);
      }
      // Without ids (Gemini's parallel calls), arguments join the latest call and a name starts a new one.
      if (
        event.type === "tool_call_args" && this.#lastFamily === "tool_call" && this.#lastIndex !== undefined
      ) {
        return this.#lastIndex;
      }
      return this.#use(++this.#max, family);
    }
    if (family === "tool_result") return this.#use(++this.#max, family);
    if (this.#lastFamily === family && this.#lastIndex !== undefined) return this.#lastIndex;
    return this.#use(++this.#max, family);
  }

  #use(index: number, family: Family): number {
    this.#lastIndex = index;
    this.#lastFamily = family;
    return index;
  }
}

/** A stream event with the part index it was given. */
export interface IndexedEvent {
  /** The event. */
  event: StreamEvent;
  /** Its part index. */
  partIndex: number;
}

/**
 * The parts of each assistant message of a response, in first-seen order, from its indexed events and the
 * tool calls a provider registered with `addToolCall()` (those not also streamed join the last message).
 *
 * @throws {TypeError} when events of different kinds share a part index (a provider bug).
 */
export function assembleMessageParts(events: IndexedEvent[], calls: ToolCall[]): Part[][] {
  const groups = new Map<number, StreamEvent[]>();
  const messageOf = new Map<number, number>();
  for (const { event, partIndex } of events) {
    let group = groups.get(partIndex);
    if (!group) {
      groups.set(partIndex, group = []);
      messageOf.set(partIndex, event.messageIndex ?? 0);
    }
    group.push(event);
  }
  const byMessage = new Map<number, Part[]>();
  for (const [index, group] of groups) {
    const part = partOf(group, index);
    if (!part) continue;
    const message = messageOf.get(index) ?? 0;
    if (!byMessage.has(message)) byMessage.set(message, []);
    byMessage.get(message)!.push(part);
  }
  const messages = [...byMessage.values()];
  if (!messages.length) messages.push([]);
  const seen = new Set(
    messages.flat().filter((p): p is ToolCallPart => p.type === "tool_call").map((p) => p.tool_call_id),
  );
  for (const call of calls) {
    if (call.toolCallId !== undefined && seen.has(call.toolCallId)) continue;
    messages.at(-1)!.push({
      type: "tool_call",
      name: call.name,
      arguments: call.arguments,
      ...(call.toolCallId !== undefined ? { tool_call_id: call.toolCallId } : {}),
      ...(call.serverExecuted ? { server_executed: true } : {}),
    });
  }
  return messages.map(hoistRedacted).filter((parts) => parts.length);
}

function isRedacted(part: Part): boolean {
  return part.type === "reasoning" && Boolean((part as ReasoningPart).redacted);
}

function hoistRedacted(parts: Part[]): Part[] {
  return [...parts.filter(isRedacted), ...parts.filter((p) => !isRedacted(p))];
}

function mergedMetadata(group: StreamEvent[]): Record<string, unknown> | undefined {
  let merged: Record<string, unknown> | undefined;
  for (const event of group) {
    if (event.providerMetadata) merged = { ...merged, ...event.providerMetadata };
  }
  return merged;
}

function partOf(group: StreamEvent[], index: number): Part | undefined {
  const family = familyOf(group[0].type);
  if (group.some((e) => familyOf(e.type) !== family)) {
    throw new TypeError(
      `Stream events of different kinds share part index ${index}; give each kind its own partIndex`,
    );
  }
  const metadata = mergedMetadata(group);
  const meta = metadata ? { provider_metadata: metadata } : {};
  const joined = (type?: StreamEventType) =>
    group.filter((e) => !type || e.type === type).map((e) => e.chunk).join("");
  const callId = group.find((e) => e.toolCallId)?.toolCallId;
  const serverExecuted = group.some((e) => e.serverExecuted);
  const idFields = {
    ...(callId !== undefined ? { tool_call_id: callId } : {}),
    ...(serverExecuted ? { server_executed: true } : {}),
  };
  if (family === "text") {
    const text = joined();
    return text ? { type: "text", text, ...meta } : undefined;
  }
  if (family === "reasoning") {
    const text = joined();
    const redacted = group.some((e) => e.redacted);
    if (!text && !redacted) return undefined;
    return { type: "reasoning", text, ...(redacted ? { redacted: true } : {}), ...meta };
  }
  if (family === "tool_call") {
    const args = joined("tool_call_args");
    let parsed: Record<string, unknown>;
    try {
      parsed = args ? JSON.parse(args) : {};
    } catch {
      parsed = { _raw: args };
    }
    return { type: "tool_call", name: joined("tool_call_name"), arguments: parsed, ...idFields, ...meta };
  }
  return {
    type: "tool_result",
    name: group.find((e) => e.toolName)?.toolName ?? "",
    output: joined(),
    ...idFields,
    ...meta,
  };
}
