/**
 * The conversation as the Messages API takes it: the library's messages and parts turned into Anthropic
 * content blocks, with user-side turns (user messages and tool results) merged, as the API wants turns to
 * alternate. Thinking goes back with its signature, server-side web search calls and results go back as the
 * blocks they came as, attachments become image or document blocks.
 * @module
 */
import { Attachment, type Message, type Part } from "./_llm.ts";

/** An Anthropic content block (`{"type": "text", "text": ...}` and the like). */
export type Block = Record<string, unknown>;

/** One message of a request: `user` or `assistant`, and its content blocks. */
export interface AnthropicMessage {
  /** Who speaks. */
  role: "user" | "assistant";
  /** What is said. */
  content: Block[];
}

/** The `anthropic` entry of a part's provider metadata. */
function anthropicMetadata(part: Part): Record<string, unknown> {
  const entry = (part.provider_metadata as { anthropic?: unknown } | undefined)?.anthropic;
  return entry && typeof entry === "object" ? entry as Record<string, unknown> : {};
}

/** The `source` of an image or document: its URL, or its bytes as base64. */
async function sourceOf(attachment: Attachment): Promise<Block> {
  if (attachment.url) return { type: "url", url: attachment.url };
  return {
    data: await attachment.base64Content(),
    media_type: await attachment.resolveType(),
    type: "base64",
  };
}

/** The block for a server-side tool's result: the result list it came as, parsed back from the text. */
function serverResultBlock(part: Extract<Part, { type: "tool_result" }>): Block {
  let content: unknown = [];
  try {
    content = part.output ? JSON.parse(part.output) : [];
  } catch {
    content = [];
  }
  const type = part.name === "web_search" ? "web_search_tool_result" : `${part.name}_tool_result`;
  return { type, tool_use_id: part.tool_call_id, content };
}

/** The content block for one part, or `undefined` for a part the API has no block for. */
export async function blockOf(part: Part): Promise<Block | undefined> {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "reasoning": {
      const meta = anthropicMetadata(part);
      if (part.redacted) {
        return typeof meta.data === "string" ? { type: "redacted_thinking", data: meta.data } : undefined;
      }
      const block: Block = { type: "thinking", thinking: part.text };
      if (typeof meta.signature === "string" && meta.signature) block.signature = meta.signature;
      return block;
    }
    case "tool_call":
      return {
        type: part.server_executed ? "server_tool_use" : "tool_use",
        id: part.tool_call_id,
        name: part.name,
        input: part.arguments,
      };
    case "tool_result":
      if (part.server_executed) return serverResultBlock(part);
      return {
        type: "tool_result",
        tool_use_id: part.tool_call_id,
        content: part.output,
        ...(part.exception ? { is_error: true } : {}),
      };
    case "attachment": {
      if (!part.attachment) return undefined;
      const attachment = Attachment.fromData(part.attachment);
      const type = await attachment.resolveType();
      return { type: type === "application/pdf" ? "document" : "image", source: await sourceOf(attachment) };
    }
  }
}

/**
 * The blocks of one message. In an assistant message, a text block of a single space after a tool call is
 * dropped: it is the separator the stream adds after tool calls for display, and the API refuses text
 * between a tool call and its result.
 */
async function blocksOf(message: Message): Promise<Block[]> {
  const blocks: Block[] = [];
  let afterToolCall = false;
  for (const part of message.parts) {
    const block = await blockOf(part);
    if (!block) continue;
    if (message.role === "assistant" && afterToolCall && block.type === "text" && block.text === " ") {
      continue;
    }
    if (block.type === "tool_use" || block.type === "server_tool_use") afterToolCall = true;
    blocks.push(block);
  }
  return blocks;
}

/**
 * The `messages` of a request for the library's message chain: system messages left out (they go in
 * `system`), `tool` messages sent as user turns, consecutive user turns merged into one.
 *
 * @example
 * ```ts
 * import { anthropicMessages } from "./messages.ts";
 * await anthropicMessages([{ role: "user", parts: [{ type: "text", text: "Hi" }] }]);
 * // [{ role: "user", content: [{ type: "text", text: "Hi" }] }]
 * ```
 */
export async function anthropicMessages(messages: Message[]): Promise<AnthropicMessage[]> {
  const out: AnthropicMessage[] = [];
  for (const message of messages) {
    if (message.role === "system") continue;
    const content = await blocksOf(message);
    if (!content.length) continue;
    const role = message.role === "assistant" ? "assistant" : "user";
    const last = out.at(-1);
    if (role === "user" && last?.role === "user") last.content.push(...content);
    else out.push({ role, content });
  }
  return out;
}

/** The system prompt: the prompt's own, else the text of the chain's first system message with text. */
export function systemOf(system: string, messages: Message[]): string | undefined {
  if (system) return system;
  for (const message of messages) {
    if (message.role !== "system") continue;
    const texts = message.parts.flatMap((p) => (p.type === "text" ? [p.text] : []));
    if (texts.length) return texts.join("\n\n");
  }
  return undefined;
}
