/**
 * Messages and parts: the structured content of a conversation, as plain JSON-safe values.
 *
 * The shapes are those Python `llm` 0.32 serialises (`Message.to_dict()`), so the same exchange hashes to the
 * same content address in `logs.db` whichever tool wrote it. Optional fields are left out, never `null`.
 *
 * @module
 */

export type { AttachmentData } from "../attachments/data.ts";
import type { AttachmentData } from "../attachments/data.ts";

/** Opaque provider data that must be sent back on the next request (signatures, encrypted reasoning). */
export type ProviderMetadata = Record<string, unknown>;

/** Text written by a person or a model. */
export interface TextPart {
  /** Discriminator. */
  type: "text";
  /** The text. */
  text: string;
  /** Opaque provider data. */
  provider_metadata?: ProviderMetadata;
}

/** Reasoning ("thinking") text; `redacted` marks reasoning the provider withheld. */
export interface ReasoningPart {
  /** Discriminator. */
  type: "reasoning";
  /** The reasoning text (empty when redacted). */
  text: string;
  /** True when the provider reported reasoning but withheld its content. */
  redacted?: boolean;
  /** Opaque provider data. */
  provider_metadata?: ProviderMetadata;
}

/** A model's request to call a tool. */
export interface ToolCallPart {
  /** Discriminator. */
  type: "tool_call";
  /** Tool name. */
  name: string;
  /** Arguments, as parsed JSON. */
  arguments: Record<string, unknown>;
  /** The provider's id for this call. */
  tool_call_id?: string;
  /** True when the provider ran the tool itself. */
  server_executed?: boolean;
  /** Opaque provider data. */
  provider_metadata?: ProviderMetadata;
}

/** The result of a tool call. */
export interface ToolResultPart {
  /** Discriminator. */
  type: "tool_result";
  /** Tool name. */
  name: string;
  /** The tool's output as text. */
  output: string;
  /** The id of the call this answers. */
  tool_call_id?: string;
  /** True when the provider ran the tool itself. */
  server_executed?: boolean;
  /** The error message when the tool failed. */
  exception?: string;
  /** Attachments the tool returned. */
  attachments?: AttachmentData[];
  /** Opaque provider data. */
  provider_metadata?: ProviderMetadata;
}

/** An inline attachment (image, audio, document). */
export interface AttachmentPart {
  /** Discriminator. */
  type: "attachment";
  /** The attachment. */
  attachment?: AttachmentData;
  /** Opaque provider data. */
  provider_metadata?: ProviderMetadata;
}

/** Any part of a message. */
export type Part = TextPart | ReasoningPart | ToolCallPart | ToolResultPart | AttachmentPart;

/** The role of a message's author. */
export type Role = "system" | "user" | "assistant" | "tool";

/** One message: a role and its parts. */
export interface Message {
  /** Who wrote it. */
  role: Role;
  /** Its content, in order. */
  parts: Part[];
  /** Opaque provider data for the whole message. */
  provider_metadata?: ProviderMetadata;
}

/**
 * Builds a message from text.
 *
 * @example
 * ```ts
 * import { textMessage } from "./messages.ts";
 * textMessage("user", "Hello"); // { role: "user", parts: [{ type: "text", text: "Hello" }] }
 * ```
 */
export function textMessage(role: Role, text: string): Message {
  return { role, parts: [{ type: "text", text }] };
}

/** The concatenated text parts of a message (reasoning and tool parts left out). */
export function messageText(message: Message): string {
  return message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
}
