/**
 * The requests of the OpenAI Chat Completions models (`POST /chat/completions`), streaming and not: building
 * the body as Python `llm` 0.32 does, reading the stream, usage and the response JSON. Loaded the first time
 * such a model runs (`openai_chat.ts` defines the models and loads this).
 * @module
 */
import type { Message } from "../models/messages.ts";
import type { Prompt } from "../models/prompt.ts";
import type { ExecuteContext } from "../models/response.ts";
import { type Chunk, simplifyUsageDetails } from "../models/stream.ts";
import { pythonJsonDumps } from "../compat/python_json.ts";
import { apiOptions, loadHttpClient, type OpenAIBaseModel, withoutNulls } from "./openai_client.ts";

type WireMessage = Record<string, unknown>;

/** Turns the prompt's message chain into Chat Completions messages; a repeated system prompt is sent once. */
export function chatMessages(messages: Message[]): WireMessage[] {
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
        const { type = "", url, content } = part.attachment;
        const src = url ?? `data:${type};base64,${content ?? ""}`;
        attachments.push({ type: "image_url", image_url: { url: src } });
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

/** The request options llm handles itself, left out of the body. */
const CONSUMED = ["json_object", "image_detail", "chat_completions"];

/** The request body (without `stream`), as Python `llm` 0.32 builds it. */
export function chatRequestBody(
  model: OpenAIBaseModel,
  prompt: Prompt,
  stream: boolean,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: model.apiModelName,
    messages: chatMessages(prompt.messages),
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
  return body;
}

/** Runs the request; shared with Responses models when `chat_completions` is set. */
export async function* runChat(
  model: OpenAIBaseModel,
  prompt: Prompt,
  context: ExecuteContext,
): AsyncGenerator<Chunk> {
  const { response, signal, stream } = context;
  const connection = model.connection(context.key, signal);
  const { postJson, postStream } = await loadHttpClient();
  const body = chatRequestBody(model, prompt, stream);
  let received = 0;
  let usage: Record<string, unknown> | undefined;
  try {
    if (stream) {
      const completion = postStream(connection, "/chat/completions", { ...body, stream: true });
      const combined = new ChunkCombiner();
      const calls = new Map<number, { id?: string; name: string; args: string }>();
      for await (const raw of completion) {
        combined.add(raw);
        const choice = (raw.choices as Record<string, unknown>[] | undefined)?.[0];
        const delta = choice?.delta as Record<string, unknown> | undefined;
        for (const call of (delta?.tool_calls as Record<string, unknown>[] | undefined) ?? []) {
          const fn = (call.function ?? {}) as { name?: string; arguments?: string };
          const index = Number(call.index ?? 0);
          const known = calls.get(index);
          if (!known) {
            calls.set(index, {
              id: call.id as string | undefined,
              name: fn.name ?? "",
              args: fn.arguments ?? "",
            });
            yield {
              type: "tool_call_name",
              chunk: fn.name ?? "",
              toolCallId: call.id as string | undefined,
            };
          } else known.args += fn.arguments ?? "";
          if (fn.arguments) {
            yield { type: "tool_call_args", chunk: fn.arguments, toolCallId: calls.get(index)?.id };
          }
        }
        const content = delta?.content;
        if (typeof content === "string" && content) {
          received += content.length;
          yield content;
        }
      }
      response.setResponseJson(withoutNulls(combined.result()));
      for (const call of calls.values()) {
        response.addToolCall({
          name: call.name,
          arguments: JSON.parse(call.args || "{}"),
          toolCallId: call.id,
        });
      }
      usage = combined.usage;
    } else {
      const completion = await postJson(connection, "/chat/completions", { ...body, stream: false });
      const raw = completion;
      response.setResponseJson(withoutNulls(raw));
      const message = ((raw.choices as Record<string, unknown>[])?.[0]?.message ?? {}) as Record<
        string,
        unknown
      >;
      for (const call of (message.tool_calls as Record<string, unknown>[] | undefined) ?? []) {
        const fn = call.function as { name: string; arguments?: string };
        response.addToolCall({
          name: fn.name,
          arguments: JSON.parse(fn.arguments || "{}"),
          toolCallId: call.id as string,
        });
        yield { type: "tool_call_name", chunk: fn.name, toolCallId: call.id as string };
        yield { type: "tool_call_args", chunk: fn.arguments ?? "", toolCallId: call.id as string };
      }
      if (typeof message.content === "string") yield message.content;
      usage = raw.usage as Record<string, unknown> | undefined;
    }
    setChatUsage(context, usage);
    // As Python llm does: reasoning the API counted but did not show is marked as redacted reasoning.
    const details = usage?.completion_tokens_details as Record<string, unknown> | undefined;
    if (typeof details?.reasoning_tokens === "number" && details.reasoning_tokens > 0) {
      yield { type: "reasoning", chunk: "", redacted: true };
    }
  } catch (error) {
    throw model.toModelError(error, received, signal);
  }
}

/** Sets a Chat Completions or completions `usage` block on the response (details simplified, as Python does). */
export function setChatUsage(context: ExecuteContext, usage: Record<string, unknown> | undefined): void {
  if (!usage) return;
  const { prompt_tokens, completion_tokens, total_tokens: _total, ...rest } = usage;
  const details = simplifyUsageDetails(rest);
  context.response.setUsage({
    input: typeof prompt_tokens === "number" ? prompt_tokens : null,
    output: typeof completion_tokens === "number" ? completion_tokens : null,
    details: Object.keys(details).length ? details : null,
  });
}

/** Gathers streamed chunks into one object, as Python `llm`'s `combine_chunks` does. */
export class ChunkCombiner {
  #content = "";
  #role: unknown = null;
  #finishReason: unknown = null;
  #first?: Record<string, unknown>;
  /** The usage block of the final chunk. */
  usage?: Record<string, unknown>;

  /** Adds one chunk. */
  add(chunk: Record<string, unknown>): void {
    this.#first ??= chunk;
    if (chunk.usage) this.usage = chunk.usage as Record<string, unknown>;
    for (const choice of (chunk.choices as Record<string, unknown>[] | undefined) ?? []) {
      if (!("delta" in choice)) {
        this.#content += String(choice.text ?? "");
        continue;
      }
      const delta = (choice.delta ?? {}) as Record<string, unknown>;
      this.#role = delta.role ?? null;
      if (typeof delta.content === "string") this.#content += delta.content;
      if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
        this.#finishReason = choice.finish_reason;
      }
    }
  }

  /** The combined object. */
  result(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      content: this.#content,
      role: this.#role,
      finish_reason: this.#finishReason,
      usage: this.usage ?? {},
    };
    for (const key of ["id", "object", "model", "created", "index"]) {
      const value = this.#first?.[key];
      if (value !== null && value !== undefined) out[key] = value;
    }
    return out;
  }
}
