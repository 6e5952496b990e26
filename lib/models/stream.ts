/**
 * What a model's `execute()` yields: plain text chunks, or typed stream events for reasoning and tool calls.
 * @module
 */
import type { ProviderMetadata } from "./messages.ts";

/** The kinds of stream event, as Python `llm` 0.32 names them. */
export type StreamEventType = "text" | "reasoning" | "tool_call_name" | "tool_call_args" | "tool_result";

/** A typed piece of a streamed response. */
export interface StreamEvent {
  /** What this chunk is. */
  type: StreamEventType;
  /** The text of the chunk (for tool calls: the name, or a piece of the JSON arguments). */
  chunk: string;
  /** The tool call this chunk belongs to. */
  toolCallId?: string;
  /** For tool results: the tool's name. */
  toolName?: string;
  /** True when the provider ran the tool itself. */
  serverExecuted?: boolean;
  /** True for reasoning the provider withheld (`chunk` is empty). */
  redacted?: boolean;
  /** Opaque provider data to send back on the next request. */
  providerMetadata?: ProviderMetadata;
  /**
   * The part this event belongs to. Leave it out and the response assigns one: consecutive text or reasoning
   * events join, tool-call events group by `toolCallId`, each tool result is a part of its own.
   */
  partIndex?: number;
  /**
   * Which assistant message of the response it belongs to (default 0), for providers that return several in
   * one response (server-side tools interleaving messages with tool calls).
   */
  messageIndex?: number;
}

/** One item yielded by `Model.execute()`: a text chunk or a stream event. */
export type Chunk = string | StreamEvent;

/** Token usage of a response. */
export interface Usage {
  /** Input (prompt) tokens. */
  input: number | null;
  /** Output (completion) tokens. */
  output: number | null;
  /** Provider-specific details, zeros and empty values left out. */
  details: Record<string, unknown> | null;
}

/** A tool call requested by the model. */
export interface ToolCall {
  /** Tool name. */
  name: string;
  /** Parsed JSON arguments. */
  arguments: Record<string, unknown>;
  /** The provider's id for the call. */
  toolCallId?: string;
  /** True when the provider ran the tool itself (never run locally). */
  serverExecuted?: boolean;
}

/** Drops zero (and false), null and empty-object values from usage details, recursively, as Python `llm` does. */
export function simplifyUsageDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const inner = simplifyUsageDetails(value as Record<string, unknown>);
      if (Object.keys(inner).length) out[key] = inner;
    } else if (value !== 0 && value !== false && value !== null && value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}
