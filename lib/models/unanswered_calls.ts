/**
 * Tool calls left without a result: a chain that stopped at its limit leaves the last response's calls
 * unanswered, and the APIs refuse a history in which an assistant's tool call is not followed by its result.
 * The next turn of the conversation answers them first, saying that the tool was not run.
 * @module
 */
import type { Message, ToolResultPart } from "./messages.ts";

/** What the model is told for a call that never ran. */
export const NOT_RUN_OUTPUT = "Error: the tool was not run: the chain stopped at its limit before this call";

/**
 * A `tool` message answering the calls of the history's last assistant message that no later message (nor
 * `answered`) answers; `undefined` when every call has its result. Calls the provider ran itself are left out.
 *
 * @example
 * ```ts
 * import { unansweredCallsMessage } from "./unanswered_calls.ts";
 * const history = [
 *   { role: "user" as const, parts: [{ type: "text" as const, text: "Look it up" }] },
 *   { role: "assistant" as const, parts: [{ type: "tool_call" as const, name: "lookup", arguments: {}, tool_call_id: "c1" }] },
 * ];
 * unansweredCallsMessage(history, []); // a tool message answering c1
 * ```
 */
export function unansweredCallsMessage(history: Message[], answered: ToolResultPart[]): Message | undefined {
  const last = history.findLastIndex((message) => message.role === "assistant");
  if (last < 0) return undefined;
  const ids = new Set(answered.map((result) => result.tool_call_id));
  for (const message of history.slice(last + 1)) {
    for (const part of message.parts) if (part.type === "tool_result") ids.add(part.tool_call_id);
  }
  const results: ToolResultPart[] = [];
  for (const part of history[last].parts) {
    if (part.type !== "tool_call" || part.server_executed || ids.has(part.tool_call_id)) continue;
    results.push({
      type: "tool_result",
      name: part.name,
      output: NOT_RUN_OUTPUT,
      ...(part.tool_call_id !== undefined ? { tool_call_id: part.tool_call_id } : {}),
    });
  }
  return results.length ? { role: "tool", parts: results } : undefined;
}
