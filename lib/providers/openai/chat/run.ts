/**
 * The requests of the OpenAI Chat Completions models (`POST /chat/completions`), streaming and not: the body as
 * Python `llm` 0.32 builds it, and the reading of the answer (text, tool calls, usage, the response JSON).
 * Loaded the first time such a model runs (`model.ts` defines the models and loads this).
 * @module
 */
import { ModelError } from "../../../models/errors.ts";
import type { Prompt } from "../../../models/prompt.ts";
import type { ExecuteContext } from "../../../models/response.ts";
import type { Chunk } from "../../../models/stream.ts";
import { apiOptions, type OpenAIBaseModel, withoutNulls } from "../base_model.ts";
import { runExchange } from "../exchange.ts";
import { CHOICES_CHECKS, ChunkCombiner, setChatUsage } from "./chunks.ts";
import { chatMessages } from "./messages.ts";
import type { AttachmentItemFor } from "../attachment_items.ts";
import { chatAttachmentItems } from "./attachments.ts";

/** The request options llm handles itself, left out of the body. */
const CONSUMED = ["json_object", "image_detail", "chat_completions"];

/** The request body (without `stream`), as Python `llm` 0.32 builds it. */
export function chatRequestBody(
  model: OpenAIBaseModel,
  prompt: Prompt,
  stream: boolean,
  attachmentItem?: AttachmentItemFor,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: model.apiModelName,
    messages: chatMessages(prompt.messages, attachmentItem),
    ...apiOptions(prompt.options, CONSUMED),
  };
  if (body.max_tokens === undefined && model.config.defaultMaxTokens !== undefined) {
    body.max_tokens = model.config.defaultMaxTokens;
  }
  if (prompt.options.json_object) body.response_format = { type: "json_object" };
  if (prompt.schema) {
    body.response_format = { type: "json_schema", json_schema: { name: "output", schema: prompt.schema } };
  }
  if (stream) body.stream_options = { include_usage: true };
  if (prompt.tools.length) {
    body.tools = prompt.tools.map((tool) => ({
      type: "function",
      function: { name: tool.name, description: tool.description ?? null, parameters: tool.inputSchema },
    }));
  }
  return body;
}

/**
 * Runs the request; shared with Responses models when `chat_completions` is set. Attachments are read (or
 * downloaded) first, so one that cannot be sent fails before the request.
 */
export async function* runChat(
  model: OpenAIBaseModel,
  prompt: Prompt,
  context: ExecuteContext,
): AsyncGenerator<Chunk | Chunk[]> {
  const attachmentItem = await chatAttachmentItems(prompt);
  yield* runExchange(model, context, {
    path: "/chat/completions",
    body: chatRequestBody(model, prompt, context.stream, attachmentItem),
    readStream: readChatStream,
    readJson: readChatJson,
    checks: CHOICES_CHECKS,
  });
}

/**
 * The arguments of a tool call the model made. Arguments that are not JSON end the response, as in Python llm,
 * with an error that says so (rather than blaming the server's response, which was well formed).
 */
function toolArguments(name: string, text: string | undefined): Record<string, unknown> {
  try {
    return JSON.parse(text || "{}");
  } catch (error) {
    throw new ModelError(
      `The model called tool ${name} with arguments that are not JSON ('${text}': ${
        (error as Error).message
      }); try again`,
      { cause: error },
    );
  }
}

async function* readChatStream(
  events: AsyncIterable<Record<string, unknown>[]>,
  context: ExecuteContext,
): AsyncGenerator<Chunk | Chunk[]> {
  const combined = new ChunkCombiner();
  const calls = new Map<number, { id?: string; name: string; args: string }>();
  for await (const batch of events) {
    const out: Chunk[] = [];
    for (let i = 0; i < batch.length; i++) readChatEvent(batch[i], combined, calls, out);
    yield out;
  }
  context.response.setResponseJson(withoutNulls(combined.result()));
  for (const call of calls.values()) {
    context.response.addToolCall({
      name: call.name,
      arguments: toolArguments(call.name, call.args),
      toolCallId: call.id,
    });
  }
  yield* usageChunks(context, combined.usage);
}

/** Reads one streamed chunk object: gathers it, and adds its text and tool-call events to `out`. */
function readChatEvent(
  raw: Record<string, unknown>,
  combined: ChunkCombiner,
  calls: Map<number, { id?: string; name: string; args: string }>,
  out: Chunk[],
): void {
  combined.add(raw);
  const choice = (raw.choices as Record<string, unknown>[] | undefined)?.[0];
  const delta = choice?.delta as Record<string, unknown> | undefined;
  const toolCalls = delta?.tool_calls as Record<string, unknown>[] | undefined;
  if (toolCalls) readToolCallDeltas(toolCalls, calls, out);
  const content = delta?.content;
  if (typeof content === "string" && content) out.push(content);
}

/** Gathers the tool-call pieces of one chunk, adding their events to `out`. */
function readToolCallDeltas(
  toolCalls: Record<string, unknown>[],
  calls: Map<number, { id?: string; name: string; args: string }>,
  out: Chunk[],
): void {
  for (const call of toolCalls) {
    const fn = (call.function ?? {}) as { name?: string; arguments?: string };
    const index = Number(call.index ?? 0);
    const known = calls.get(index);
    if (!known) {
      calls.set(index, { id: call.id as string | undefined, name: fn.name ?? "", args: fn.arguments ?? "" });
      out.push({ type: "tool_call_name", chunk: fn.name ?? "", toolCallId: call.id as string | undefined });
    } else known.args += fn.arguments ?? "";
    if (fn.arguments) {
      out.push({ type: "tool_call_args", chunk: fn.arguments, toolCallId: calls.get(index)?.id });
    }
  }
}

function* readChatJson(raw: Record<string, unknown>, context: ExecuteContext): Generator<Chunk> {
  context.response.setResponseJson(withoutNulls(raw));
  const message = ((raw.choices as Record<string, unknown>[])?.[0]?.message ?? {}) as Record<string, unknown>;
  for (const call of (message.tool_calls as Record<string, unknown>[] | undefined) ?? []) {
    const fn = call.function as { name: string; arguments?: string };
    context.response.addToolCall({
      name: fn.name,
      arguments: toolArguments(fn.name, fn.arguments),
      toolCallId: call.id as string,
    });
    yield { type: "tool_call_name", chunk: fn.name, toolCallId: call.id as string };
    yield { type: "tool_call_args", chunk: fn.arguments ?? "", toolCallId: call.id as string };
  }
  if (typeof message.content === "string") yield message.content;
  yield* usageChunks(context, raw.usage as Record<string, unknown> | undefined);
}

/** Sets the usage; reasoning the API counted but did not show is marked as redacted reasoning, as Python does. */
function* usageChunks(context: ExecuteContext, usage: Record<string, unknown> | undefined): Generator<Chunk> {
  setChatUsage(context, usage);
  const details = usage?.completion_tokens_details as Record<string, unknown> | undefined;
  if (typeof details?.reasoning_tokens === "number" && details.reasoning_tokens > 0) {
    yield { type: "reasoning", chunk: "", redacted: true };
  }
}
