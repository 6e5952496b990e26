/**
 * The bodies the loopback OpenAI test server sends, in the shapes the real API uses for Chat Completions,
 * Responses and legacy Completions, streamed (as SSE frames) and not. The ids, timestamps and usage follow the
 * echo server Python `llm` 0.32 was recorded against (`chatcmpl-fake-N`, `resp_fake_N`, created 1700000000,
 * usage as word counts), so rows written from these replies can be compared with that recording.
 * @module
 */

import { SSE_DONE, sseEvent } from "./sse.ts";

/** The API endpoints the server answers. */
export type Endpoint = "chat" | "responses" | "completions" | "models";

/** Token counts of one reply. */
export interface ReplyUsage {
  /** Input (prompt) tokens. */
  input: number;
  /** Output (completion) tokens. */
  output: number;
}

/** One answer to give: the whole text, the pieces to stream it in, and its usage. */
export interface TextPlan {
  /** The full answer. */
  text: string;
  /** The text deltas of the streamed answer, in order. */
  chunks: string[];
  /** Token usage to report. */
  usage: ReplyUsage;
}

/** What a shape needs to know about the request it answers. */
export interface ShapeContext {
  /** Which API is answered. */
  endpoint: Exclude<Endpoint, "models">;
  /** The parsed JSON request body (an empty object when it was not an object). */
  request: Record<string, unknown>;
  /** 1-based number of this model request on the server, used in ids (`chatcmpl-fake-3`). */
  serial: number;
}

/** The `created` timestamp of every generated object. */
export const CREATED = 1700000000;

/** Finds the endpoint from the path's suffix, so any base (`/v1`, `/custom/v1`, none) works. */
export function endpointOf(path: string): Endpoint | undefined {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed.endsWith("/chat/completions")) return "chat";
  if (trimmed.endsWith("/completions")) return "completions";
  if (trimmed.endsWith("/responses")) return "responses";
  if (trimmed.endsWith("/models")) return "models";
  return undefined;
}

/** Counts whitespace-separated words: the echo server's stand-in for tokens. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}

/** The text of a message `content`: a string, or the `text` of its parts (`text`, `input_text`, ...). */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => record(part)?.text).filter((text) => typeof text === "string").join("\n");
}

/** The messages of a request: chat `messages`, Responses `input` items, or the completions `prompt`. */
function messagesOf(ctx: ShapeContext): { role?: unknown; text: string }[] {
  const { request } = ctx;
  if (ctx.endpoint === "completions") {
    const prompts = Array.isArray(request.prompt) ? request.prompt : [request.prompt];
    return prompts.filter((p) => typeof p === "string").map((text) => ({ role: "user", text }));
  }
  const list = ctx.endpoint === "chat" ? request.messages : request.input;
  if (typeof list === "string") return [{ role: "user", text: list }];
  if (!Array.isArray(list)) return [];
  return list.map((item) => {
    const entry = record(item) ?? {};
    const text = typeof entry.output === "string" ? entry.output : contentText(entry.content);
    return { role: entry.role, text };
  });
}

/** The text of the last user message of a request ("" when there is none). */
export function lastUserText(ctx: ShapeContext): string {
  const users = messagesOf(ctx).filter((message) => message.role === "user");
  return users.at(-1)?.text ?? "";
}

/** Word count of everything the request sends as input: instructions and every message. */
export function inputWordCount(ctx: ShapeContext): number {
  const instructions = typeof ctx.request.instructions === "string" ? ctx.request.instructions : "";
  return messagesOf(ctx).reduce(
    (total, message) => total + countWords(message.text),
    countWords(instructions),
  );
}

/** Cuts a text into word-sized deltas that join back to it: `"Echo: hi there"` → `["Echo:", " hi", " there"]`. */
export function wordChunks(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? (text ? [text] : []);
}

/** Whether the request asks for a streamed answer. */
export function wantsStream(ctx: ShapeContext): boolean {
  return ctx.request.stream === true;
}

function model(ctx: ShapeContext): string {
  return typeof ctx.request.model === "string" ? ctx.request.model : "gpt-4o-mini";
}

function includeUsage(ctx: ShapeContext): boolean {
  return record(ctx.request.stream_options)?.include_usage === true;
}

function chatUsage(usage: ReplyUsage): Record<string, number> {
  return {
    completion_tokens: usage.output,
    prompt_tokens: usage.input,
    total_tokens: usage.input + usage.output,
  };
}

function responsesUsage(usage: ReplyUsage): Record<string, unknown> {
  return {
    input_tokens: usage.input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: usage.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.input + usage.output,
  };
}

function outputMessage(ctx: ShapeContext, text: string, done: boolean): Record<string, unknown> {
  return {
    id: `msg_fake_${ctx.serial}`,
    type: "message",
    status: done ? "completed" : "in_progress",
    role: "assistant",
    content: done ? [{ type: "output_text", annotations: [], logprobs: [], text }] : [],
  };
}

function responseObject(ctx: ShapeContext, plan: TextPlan | undefined): Record<string, unknown> {
  return {
    id: `resp_fake_${ctx.serial}`,
    object: "response",
    created_at: CREATED,
    status: plan ? "completed" : "in_progress",
    error: null,
    incomplete_details: null,
    instructions: typeof ctx.request.instructions === "string" ? ctx.request.instructions : null,
    model: model(ctx),
    output: plan ? [outputMessage(ctx, plan.text, true)] : [],
    parallel_tool_calls: true,
    store: ctx.request.store === true,
    text: { format: { type: "text" } },
    usage: plan ? responsesUsage(plan.usage) : null,
  };
}

/** The non-streamed JSON body answering `ctx` with `plan`. */
export function jsonBody(ctx: ShapeContext, plan: TextPlan): Record<string, unknown> {
  switch (ctx.endpoint) {
    case "chat":
      return {
        id: `chatcmpl-fake-${ctx.serial}`,
        object: "chat.completion",
        created: CREATED,
        model: model(ctx),
        choices: [{ index: 0, message: { role: "assistant", content: plan.text }, finish_reason: "stop" }],
        usage: chatUsage(plan.usage),
        system_fingerprint: "fp_fake",
      };
    case "completions":
      return {
        id: `cmpl-fake-${ctx.serial}`,
        object: "text_completion",
        created: CREATED,
        model: model(ctx),
        choices: [{ text: plan.text, index: 0, logprobs: null, finish_reason: "stop" }],
        usage: chatUsage(plan.usage),
      };
    case "responses":
      return responseObject(ctx, plan);
  }
}

/** Chat or completions chunk with one choice (or none when `choice` is undefined). */
function chunkEvent(
  ctx: ShapeContext,
  choice: Record<string, unknown> | undefined,
  usage?: ReplyUsage,
): string {
  const chat = ctx.endpoint === "chat";
  const body: Record<string, unknown> = {
    id: chat ? `chatcmpl-fake-${ctx.serial}` : `cmpl-fake-${ctx.serial}`,
    object: chat ? "chat.completion.chunk" : "text_completion",
    created: CREATED,
    model: model(ctx),
    choices: choice ? [{ index: 0, ...choice }] : [],
  };
  if (includeUsage(ctx)) body.usage = usage ? chatUsage(usage) : null;
  return sseEvent(body);
}

function deltaEvent(ctx: ShapeContext, text: string): string {
  return ctx.endpoint === "chat"
    ? chunkEvent(ctx, { delta: { content: text }, logprobs: null, finish_reason: null })
    : chunkEvent(ctx, { text, logprobs: null, finish_reason: null });
}

/** Numbers Responses API events in order, as `sequence_number`. */
class ResponsesEvents {
  #sequence = 0;
  constructor(readonly ctx: ShapeContext) {}
  event(type: string, fields: Record<string, unknown>): string {
    return sseEvent({ type, ...fields, sequence_number: this.#sequence++ }, type);
  }
  get item(): Record<string, unknown> {
    return { item_id: `msg_fake_${this.ctx.serial}`, output_index: 0, content_index: 0 };
  }
}

/** The SSE frames before the first text delta. */
function prelude(ctx: ShapeContext, events: ResponsesEvents): string {
  if (ctx.endpoint === "chat") {
    return chunkEvent(ctx, {
      delta: { role: "assistant", content: "" },
      logprobs: null,
      finish_reason: null,
    });
  }
  if (ctx.endpoint === "completions") return "";
  const pending = responseObject(ctx, undefined);
  return [
    events.event("response.created", { response: pending }),
    events.event("response.in_progress", { response: pending }),
    events.event("response.output_item.added", { output_index: 0, item: outputMessage(ctx, "", false) }),
    events.event("response.content_part.added", {
      ...events.item,
      part: { type: "output_text", annotations: [], logprobs: [], text: "" },
    }),
  ].join("");
}

function delta(ctx: ShapeContext, events: ResponsesEvents, text: string): string {
  if (ctx.endpoint !== "responses") return deltaEvent(ctx, text);
  return events.event("response.output_text.delta", { ...events.item, delta: text, logprobs: [] });
}

/** The SSE frames after the last text delta, ending the stream. */
function epilogue(ctx: ShapeContext, events: ResponsesEvents, plan: TextPlan): string {
  if (ctx.endpoint !== "responses") {
    const finish = ctx.endpoint === "chat"
      ? chunkEvent(ctx, { delta: {}, logprobs: null, finish_reason: "stop" })
      : chunkEvent(ctx, { text: "", logprobs: null, finish_reason: "stop" });
    return finish + (includeUsage(ctx) ? chunkEvent(ctx, undefined, plan.usage) : "") + SSE_DONE;
  }
  const part = { type: "output_text", annotations: [], logprobs: [], text: plan.text };
  return [
    events.event("response.output_text.done", { ...events.item, text: plan.text, logprobs: [] }),
    events.event("response.content_part.done", { ...events.item, part }),
    events.event("response.output_item.done", { output_index: 0, item: outputMessage(ctx, plan.text, true) }),
    events.event("response.completed", { response: responseObject(ctx, plan) }),
  ].join("");
}

/**
 * The streamed answer as SSE frames, one per text chunk: the opening events ride with the first frame and,
 * when `complete` is true, the closing events (finish, usage, `[DONE]` or `response.completed`) with the last.
 * With `complete` false the stream stops after the last delta, as a dropped connection would.
 */
export function streamFrames(ctx: ShapeContext, plan: TextPlan, complete: boolean): string[] {
  const events = new ResponsesEvents(ctx);
  const opening = prelude(ctx, events);
  const frames = plan.chunks.map((chunk) => delta(ctx, events, chunk));
  if (frames.length === 0) frames.push("");
  frames[0] = opening + frames[0];
  if (complete) frames[frames.length - 1] += epilogue(ctx, events, plan);
  return frames;
}

/** A stream that starts well and then sends a `data:` line that is not JSON, then a broken event. */
export function malformedFrames(ctx: ShapeContext): string[] {
  const start = streamFrames(ctx, { text: "Echo", chunks: ["Echo"], usage: { input: 0, output: 0 } }, false);
  const broken = ctx.endpoint === "responses"
    ? 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":\n\n'
    : 'data: {"id":"chatcmpl-broken","choices":[{"delta":{"content":"oops\n\n';
  return [...start, broken, "data: this is not json\n\n", SSE_DONE];
}

/** The small list `GET /models` returns. */
export function modelList(): Record<string, unknown> {
  const ids = ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-5.5", "text-embedding-3-small"];
  return {
    object: "list",
    data: ids.map((id, index) => ({ id, object: "model", created: CREATED + index, owned_by: "system" })),
  };
}
