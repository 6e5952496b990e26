/**
 * The prompt's message chain as Chat Completions `messages`, as Python `llm` 0.32 sends them.
 * @module
 */
import type { Message } from "../../../models/messages.ts";
import { pythonJsonDumps } from "../../../compat/python_json.ts";
import type { AttachmentItemFor } from "../attachment_items.ts";
import { plainChatAttachmentItem } from "./attachments.ts";

/** A message in the API's shape. */
export type WireMessage = Record<string, unknown>;

/**
 * Turns the prompt's message chain into Chat Completions messages; a repeated system prompt is sent once.
 * Attachment parts become what `attachmentItem` says (see `chatAttachmentItems` in attachments.ts).
 */
export function chatMessages(
  messages: Message[],
  attachmentItem: AttachmentItemFor = plainChatAttachmentItem,
): WireMessage[] {
  const out: WireMessage[] = [];
  let currentSystem: string | undefined;
  for (const message of messages) {
    const text: string[] = [];
    const toolCalls: WireMessage[] = [];
    const toolResults: WireMessage[] = [];
    const attachments: WireMessage[] = [];
    for (const part of message.parts) {
      if (part.type === "text") text.push(part.text);
      else if (part.type === "tool_call") {
        toolCalls.push({
          type: "function",
          id: part.tool_call_id,
          // Python's json.dumps spacing, as Python llm sends it.
          function: { name: part.name, arguments: pythonJsonDumps(part.arguments) },
        });
      } else if (part.type === "tool_result") {
        toolResults.push({ role: "tool", tool_call_id: part.tool_call_id, content: part.output });
      } else if (part.type === "attachment" && part.attachment) {
        attachments.push(attachmentItem(part.attachment));
      }
    }
    if (message.role === "tool") {
      out.push(...toolResults);
      continue;
    }
    if (message.role === "system") {
      const joined = text.join("");
      if (joined === currentSystem) continue;
      currentSystem = joined;
    }
    const entry: WireMessage = attachments.length
      ? {
        role: message.role,
        content: [...(text.length ? [{ type: "text", text: text.join("") }] : []), ...attachments],
      }
      : { role: message.role, content: text.length ? text.join("") : null };
    if (toolCalls.length) {
      entry.tool_calls = toolCalls;
      if (!text.length) entry.content = null;
    } else if (entry.content === null && message.role !== "assistant") {
      continue;
    }
    out.push(entry);
  }
  return out;
}
