/**
 * The requests of the OpenAI Responses API models (`POST /responses`): the input items and body as Python
 * `llm` 0.32 builds them, the event stream, reasoning, tool calls and usage. Loaded the first time such a
 * model runs (`model.ts` defines the models).
 * @module
 */
import { ModelError } from "../../../models/errors.ts";
import type { Message } from "../../../models/messages.ts";
import type { Prompt } from "../../../models/prompt.ts";
import type { ExecuteContext } from "../../../models/response.ts";
import type { Chunk } from "../../../models/stream.ts";
import { pythonJsonDumps } from "../../../compat/python_json.ts";
import { type OpenAIBaseModel, withoutNulls } from "../base_model.ts";
import { runExchange } from "../exchange.ts";
import { serverSideToolSpec } from "./server_tools.ts";
import type { AttachmentItemFor } from "../attachment_items.ts";
import { plainResponsesAttachmentItem, responsesAttachmentItems } from "./attachments.ts";

type Item = Record<string, unknown>;

/**
 * Turns the message chain into Responses API `input` items; the last system message becomes `instructions`.
 * Attachment parts become what `attachmentItem` says (see `responsesAttachmentItems` in attachments.ts).
 */
export function responsesInput(
  messages: Message[],
  attachmentItem: AttachmentItemFor = plainResponsesAttachmentItem,
): { input: Item[]; instructions?: string } {
  const input: Item[] = [];
  let instructions: string | undefined;
  for (const message of messages) {
    const text: string[] = [];
    const calls: Item[] = [];
    const results: Item[] = [];
    const reasoning: Item[] = [];
    const attachments: Item[] = [];
    for (const part of message.parts) {
      if (part.type === "text") text.push(part.text);
      else if (part.type === "tool_call" && !part.server_executed) {
        calls.push({
          type: "function_call",
          call_id: part.tool_call_id,
          name: part.name,
          // Python's json.dumps spacing, as Python llm sends it.
          arguments: pythonJsonDumps(part.arguments),
        });
      } else if (part.type === "tool_result" && !part.server_executed) {
        results.push({ type: "function_call_output", call_id: part.tool_call_id, output: part.output });
      } else if (part.type === "reasoning") {
        const meta = (part.provider_metadata?.openai ?? {}) as Record<string, unknown>;
        if (meta.encrypted_content || meta.id) {
          const item: Item = { type: "reasoning" };
          if (meta.id) item.id = meta.id;
          if (meta.encrypted_content) item.encrypted_content = meta.encrypted_content;
          item.summary = meta.summary ?? [];
          reasoning.push(item);
        }
      } else if (part.type === "attachment" && part.attachment) {
        attachments.push(attachmentItem(part.attachment));
      }
    }
    if (message.role === "system") {
      const joined = text.join("");
      if (joined) instructions = joined;
      continue;
    }
    input.push(...reasoning);
    if (message.role === "tool") {
      input.push(...results);
    } else if (message.role === "user") {
      if (attachments.length) {
        input.push({
          role: "user",
          content: [...(text.length ? [{ type: "input_text", text: text.join("") }] : []), ...attachments],
        });
      } else if (text.length) input.push({ role: "user", content: text.join("") });
    } else if (message.role === "assistant") {
      if (text.length) input.push({ role: "assistant", content: text.join("") });
      input.push(...calls);
    }
  }
  return { input, instructions };
}

/** The request body (without `stream`), as Python `llm` 0.32 builds it. */
export function responsesRequestBody(
  model: OpenAIBaseModel,
  prompt: Prompt,
  attachmentItem?: AttachmentItemFor,
): Record<string, unknown> {
  const {
    json_object: jsonObject,
    chat_completions: _chat,
    image_detail: _detail,
    max_tokens: maxTokens,
    reasoning_effort: effort,
    verbosity,
    temperature,
    top_p: topP,
    seed,
    ...rest
  } = prompt.options;
  const { input, instructions } = responsesInput(prompt.messages, attachmentItem);
  const body: Record<string, unknown> = { model: model.apiModelName, input };
  const max = maxTokens ?? model.config.defaultMaxTokens;
  if (max !== undefined && max !== null) body.max_output_tokens = max;
  if (temperature !== undefined) body.temperature = temperature;
  if (topP !== undefined) body.top_p = topP;
  if (seed !== undefined) body.seed = seed;
  // `reasoningSummary: false` (`llm openai endpoint`) asks for no summaries at all.
  const summaries = model.config.reasoningSummary !== false;
  if (model.config.reasoning) {
    const reasoning: Record<string, unknown> = {};
    if (summaries && !prompt.hideReasoning) reasoning.summary = "auto";
    if (effort) reasoning.effort = effort;
    if (Object.keys(reasoning).length) body.reasoning = reasoning;
  }
  const text: Record<string, unknown> = {};
  if (verbosity) text.verbosity = verbosity;
  if (jsonObject) text.format = { type: "json_object" };
  if (prompt.schema) {
    text.format = { type: "json_schema", name: "output", schema: prompt.schema, strict: false };
  }
  if (Object.keys(text).length) body.text = text;
  for (const [k, v] of Object.entries(rest)) if (v !== undefined && v !== null) body[k] = v;
  if (instructions !== undefined) body.instructions = instructions;
  body.store = false;
  // Python llm asks for encrypted reasoning whenever the model reasons (it always wants summaries, even when
  // hide_reasoning leaves them out of the request), so the next turn can send it back; without summaries, only
  // when a reasoning effort is set.
  if (model.config.reasoning && (summaries || effort)) {
    body.include = ["reasoning.encrypted_content"];
  }
  const tools: Item[] = prompt.tools.map((tool) => ({
    type: "function",
    name: tool.name,
    description: tool.description ?? null,
    parameters: tool.inputSchema,
  }));
  // Server-side tools go back where they were asked for among the function tools (latest insert first, so the
  // earlier positions still count function tools only).
  const byPosition = prompt.serverSideTools.map((request, order) => ({ request, order }))
    .sort((a, b) =>
      (b.request.position ?? tools.length) - (a.request.position ?? tools.length) || b.order - a.order
    );
  const specs = new Map(prompt.serverSideTools.map((request) => [request, serverSideToolSpec(request)]));
  for (const { request } of byPosition) {
    tools.splice(Math.min(request.position ?? tools.length, tools.length), 0, specs.get(request)!.tool);
  }
  for (const request of prompt.serverSideTools) {
    const spec = specs.get(request)!;
    for (const extra of spec.include) {
      body.include = [...((body.include as string[] | undefined) ?? []), extra];
    }
  }
  if (tools.length) body.tools = tools;
  return body;
}

/**
 * Sends a Responses API request and yields the text, reasoning and tool call events as they arrive.
 * Attachments are read (or downloaded) first, so one that cannot be sent fails before the request.
 */
export async function* runResponses(
  model: OpenAIBaseModel,
  prompt: Prompt,
  context: ExecuteContext,
): AsyncGenerator<Chunk | Chunk[]> {
  const attachmentItem = await responsesAttachmentItems(prompt);
  yield* runExchange(model, context, {
    path: "/responses",
    body: responsesRequestBody(model, prompt, attachmentItem),
    readStream: readResponsesStream,
    readJson: readResponsesJson,
    checks: {
      isAnswer: (json) => Array.isArray(json.output),
      isEnd: (event) => event.type === "response.completed" || event.type === "response.incomplete",
      endName: "response.completed or response.incomplete",
    },
  });
}

async function* readResponsesStream(
  events: AsyncIterable<Record<string, unknown>[]>,
  context: ExecuteContext,
): AsyncGenerator<Chunk | Chunk[]> {
  const { response } = context;
  const calls = new Map<string, { callId?: string; name: string }>();
  const streamedReasoning = new Set<string>();
  let usage: Item | undefined;
  let hadReasoning = false;
  const messages = new MessageCounter();
  const at = (chunk: Chunk) => messages.mark(chunk);
  for await (const batch of events) {
    const out: Chunk[] = [];
    const push = (chunk: Chunk) => out.push(at(chunk));
    for (const event of batch) {
      const type = event.type as string;
      if (type === "response.output_text.delta") {
        const delta = String(event.delta ?? "");
        if (delta) push(delta);
      } else if (type === "response.output_item.added") {
        const item = event.item as Item;
        if (item.type === "message") messages.next();
        if (item.type === "function_call") {
          calls.set(String(item.id), { callId: item.call_id as string, name: String(item.name ?? "") });
          push({
            type: "tool_call_name",
            chunk: String(item.name ?? ""),
            toolCallId: item.call_id as string,
          });
        }
      } else if (type === "response.function_call_arguments.delta") {
        const call = calls.get(String(event.item_id));
        push({ type: "tool_call_args", chunk: String(event.delta ?? ""), toolCallId: call?.callId });
      } else if (
        type === "response.reasoning_summary_text.delta" || type === "response.reasoning_text.delta"
      ) {
        if (event.item_id) streamedReasoning.add(String(event.item_id));
        push({ type: "reasoning", chunk: String(event.delta ?? "") });
      } else if (type === "response.output_item.done") {
        const item = event.item as Item;
        if (item.type === "reasoning") {
          hadReasoning = true;
          push(reasoningEvent(item, !streamedReasoning.has(String(item.id))));
        } else if (item.type === "function_call") response.addToolCall(functionCall(item));
        else for (const chunk of serverToolEvents(item)) push(chunk);
      } else if (type === "response.completed" || type === "response.incomplete") {
        const final = withoutNulls(event.response) as Item;
        response.setResponseJson(final);
        usage = final.usage as Item | undefined;
      } else if (type === "response.failed" || type === "error") {
        const error = ((event.response as Item | undefined)?.error ?? event) as Item;
        const reason = String(error.message ?? "no reason given").replace(/\.$/, "");
        // What arrived before the failure is kept.
        if (out.length) yield out;
        throw new ModelError(`The API reported that the response failed: ${reason}. Try again`, {
          kind: "other",
        });
      }
    }
    yield out;
  }
  yield* usageChunks(context, usage, hadReasoning);
}

function* readResponsesJson(raw: Record<string, unknown>, context: ExecuteContext): Generator<Chunk> {
  const final = withoutNulls(raw) as Item;
  context.response.setResponseJson(final);
  let hadReasoning = false;
  const messages = new MessageCounter();
  const at = (chunk: Chunk) => messages.mark(chunk);
  for (const item of (final.output as Item[] | undefined) ?? []) {
    if (item.type === "message") messages.next();
    if (item.type === "reasoning") {
      hadReasoning = true;
      yield at(reasoningEvent(item, true));
    } else if (item.type === "function_call") {
      const call = functionCall(item);
      context.response.addToolCall(call);
      yield at({ type: "tool_call_name", chunk: call.name, toolCallId: call.toolCallId });
      yield at({ type: "tool_call_args", chunk: String(item.arguments ?? ""), toolCallId: call.toolCallId });
    } else if (item.type === "message") {
      for (const content of (item.content as Item[] | undefined) ?? []) {
        if (content.type === "output_text" && content.text) yield at(String(content.text));
      }
    } else {
      for (const chunk of serverToolEvents(item)) yield at(chunk);
    }
  }
  yield* usageChunks(context, final.usage as Item | undefined, hadReasoning);
}

/** Sets the usage; reasoning counted but not returned is marked as redacted reasoning, as Python llm does. */
function* usageChunks(
  context: ExecuteContext,
  usage: Item | undefined,
  hadReasoning: boolean,
): Generator<Chunk> {
  if (!usage) return;
  const details: Record<string, unknown> = {};
  for (const key of ["input_tokens_details", "output_tokens_details"]) {
    const value = usage[key];
    if (value && typeof value === "object" && Object.keys(value).length) details[key] = value;
  }
  context.response.setUsage({
    input: Number(usage.input_tokens ?? 0),
    output: Number(usage.output_tokens ?? 0),
    details: Object.keys(details).length ? details : null,
  });
  const reasoningTokens = (usage.output_tokens_details as Item | undefined)?.reasoning_tokens;
  if (!hadReasoning && typeof reasoningTokens === "number" && reasoningTokens > 0) {
    yield { type: "reasoning", chunk: "", redacted: true };
  }
}

/**
 * Which assistant message the output items are in: each `message` item after the first starts a new one
 * (server-side tools interleave messages with their calls), as Python `llm` 0.32 numbers them.
 */
class MessageCounter {
  #index = 0;
  #seen = false;

  /** A `message` item begins. */
  next(): void {
    if (this.#seen) this.#index++;
    this.#seen = true;
  }

  /** `chunk` marked with the current message (unmarked in the first). */
  mark(chunk: Chunk): Chunk {
    if (this.#index === 0) return chunk;
    return typeof chunk === "string"
      ? { type: "text", chunk, messageIndex: this.#index }
      : { ...chunk, messageIndex: this.#index };
  }
}

/**
 * The events of a server-side tool's output item (`web_search_call`, `code_interpreter_call`): a call and its
 * result, both marked as run by the provider, so they are kept in the message but never run here.
 */
function serverToolEvents(item: Item): Chunk[] {
  const id = item.id as string | undefined;
  const call = (name: string, args: unknown, result: string): Chunk[] => [
    { type: "tool_call_name", chunk: name, toolCallId: id, serverExecuted: true },
    { type: "tool_call_args", chunk: pythonJsonDumps(args ?? {}), toolCallId: id, serverExecuted: true },
    { type: "tool_result", chunk: result, toolCallId: id, toolName: name, serverExecuted: true },
  ];
  const status = String(item.status ?? "completed");
  if (item.type === "web_search_call") {
    const results = (item.results as unknown[] | undefined) ?? [];
    return call("web_search", item.action, results.length ? pythonJsonDumps(results) : status);
  }
  if (item.type === "code_interpreter_call") {
    const outputs = ((item.outputs as Item[] | undefined) ?? [])
      .map((output) => output.logs ?? output.url).filter((text) => typeof text === "string" && text);
    return call("code_interpreter", { code: item.code ?? "" }, outputs.join("\n") || status);
  }
  return [];
}

function functionCall(item: Item) {
  let args: Record<string, unknown>;
  try {
    args = item.arguments ? JSON.parse(String(item.arguments)) : {};
  } catch {
    args = { _raw: item.arguments };
  }
  return { name: String(item.name ?? ""), arguments: args, toolCallId: item.call_id as string | undefined };
}

function reasoningEvent(item: Item, includeText: boolean): Chunk {
  const summary = (item.summary as Item[] | undefined) ?? [];
  const text = includeText ? summary.map((s) => String(s.text ?? "")).join("\n\n") : "";
  const openai: Record<string, unknown> = {};
  if (item.id) openai.id = item.id;
  if (item.encrypted_content) openai.encrypted_content = item.encrypted_content;
  if (summary.length) openai.summary = summary;
  return {
    type: "reasoning",
    chunk: text,
    redacted: includeText && !text ? true : undefined,
    providerMetadata: Object.keys(openai).length ? { openai } : undefined,
  };
}
