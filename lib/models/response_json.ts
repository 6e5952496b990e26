/**
 * Responses and conversations as JSON, to persist and restore them (Python llm's `Response.to_dict()` /
 * `Response.from_dict()`, and the same for a conversation, which Python llm does not have).
 *
 * A response's JSON is Python llm 0.32's `ResponseDict`, key for key: `model`, `prompt` (`messages`, the
 * whole input chain that was sent; `options` when any were set; `system` when one was given), `messages` (the
 * assistant's structured output), then `id`, `usage` and `datetime_utc`. Three keys are added after those,
 * which Python's `from_dict` ignores: `duration_ms`, `resolved_model` and `conversation` (`{id, name}`). So
 * Python llm reads what this writes, and this reads what Python writes.
 *
 * @example
 * ```ts ignore
 * import { getModel, Response } from "../../mod.ts";
 * const response = getModel("4o-mini").prompt("Ten names for a pelican");
 * await response.text();
 * const saved = JSON.stringify(response); // toJSON()
 * const restored = Response.fromJSON(JSON.parse(saved));
 * console.log(await restored.text()); // the same text, no request
 * const next = restored.reply("Two more"); // continues from it
 * ```
 * @module
 */
import { LlmError, ResponseNotDoneError } from "./errors.ts";
import type { Conversation } from "./conversation.ts";
import { lookupModel } from "./late_bound.ts";
import type { Message } from "./messages.ts";
import type { Model } from "./model.ts";
import { Prompt } from "./prompt.ts";
import type { Response } from "./response.ts";
import type { ResponseInit } from "./response_types.ts";
import type { StreamEvent, ToolCall, Usage } from "./stream.ts";

/** Token usage in a response's JSON; each field only when known. */
export interface UsageJson {
  /** Input tokens. */
  input?: number;
  /** Output tokens. */
  output?: number;
  /** Provider details. */
  details?: Record<string, unknown>;
}

/** What was sent, in a response's JSON (Python's `PromptDict`). */
export interface PromptJson {
  /** The whole input chain, history included. */
  messages: Message[];
  /** The options that were set. */
  options?: Record<string, unknown>;
  /** The system prompt as given. */
  system?: string;
}

/** A response as JSON: Python llm 0.32's `ResponseDict`, plus three keys Python ignores. */
export interface ResponseJson {
  /** The model id. */
  model: string;
  /** What was sent. */
  prompt: PromptJson;
  /** What the model answered: the assistant message(s). */
  messages: Message[];
  /** The response id (a ULID). */
  id?: string;
  /** Token usage, when the provider reported any. */
  usage?: UsageJson;
  /** When it started, `2026-01-02T03:04:05.123456+00:00`. */
  datetime_utc?: string;
  /** How long it took (not in Python's form). */
  duration_ms?: number;
  /** The model the provider says it used, when it said (not in Python's form). */
  resolved_model?: string;
  /** The conversation it belonged to (not in Python's form). */
  conversation?: { id: string; name?: string };
}

/** A conversation as JSON: its id, name and model, and its finished responses in order. */
export interface ConversationJson {
  /** The conversation id. */
  id: string;
  /** Its name, if any. */
  name?: string;
  /** The model it talks to. */
  model: string;
  /** Its responses, oldest first. */
  responses: ResponseJson[];
  /** History loaded from storage before any response of its own (only when it has no responses). */
  loaded_messages?: Message[];
}

/** JSON that is not a response's or conversation's. */
export class InvalidResponseJsonError extends LlmError {
  /** Creates the error; `problem` says what is wrong. */
  constructor(problem: string) {
    super(`Cannot restore from this JSON: ${problem}`);
  }
}

/** A finished response's state, for a `Response` made from storage (it never runs). */
export interface RestoredResponse {
  /** Its id. */
  id?: string;
  /** The assistant messages it produced. */
  messages: Message[];
  /** The stream events replayed when it is iterated (text, reasoning, tool calls and results). */
  events: StreamEvent[];
  /** Its tool calls (those the provider did not run itself). */
  toolCalls: ToolCall[];
  /** Token usage. */
  usage: Usage;
  /** When it started, in epoch milliseconds (0 when unknown). */
  startMs: number;
  /** When it ended, in epoch milliseconds (0 when unknown). */
  endMs: number;
  /** The model the provider reported. */
  resolvedModel: string | null;
}

function definedEntries(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined));
}

/**
 * A finished response as JSON.
 * @throws {ResponseNotDoneError} when it has not finished, or failed.
 */
export function responseToJson(response: Response): ResponseJson {
  if (response.status !== "done") {
    throw new ResponseNotDoneError(response.id, response.status, "serialise it");
  }
  const prompt: PromptJson = { messages: structuredClone(response.prompt.messages) };
  const options = definedEntries(response.prompt.options);
  if (Object.keys(options).length) prompt.options = structuredClone(options);
  if (response.prompt.systemText) prompt.system = response.prompt.systemText;
  const json: ResponseJson = {
    model: response.model.id,
    prompt,
    messages: structuredClone(response.messagesSoFar()),
    id: response.id,
  };
  const { input, output, details } = response.usageSoFar();
  if (input !== null || output !== null) {
    json.usage = {};
    if (input !== null) json.usage.input = input;
    if (output !== null) json.usage.output = output;
    if (details !== null) json.usage.details = structuredClone(details);
  }
  json.datetime_utc = response.datetimeUtcSoFar();
  json.duration_ms = response.durationMsSoFar();
  if (response.resolvedModel) json.resolved_model = response.resolvedModel;
  if (response.conversation) {
    json.conversation = { id: response.conversation.id };
    if (response.conversation.name) json.conversation.name = response.conversation.name;
  }
  return json;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function messageList(value: unknown, where: string): Message[] {
  if (value === undefined) return [];
  if (
    !Array.isArray(value) ||
    !value.every((m) => isObject(m) && typeof m.role === "string" && Array.isArray(m.parts))
  ) {
    throw new InvalidResponseJsonError(`'${where}' must be a list of messages ({role, parts})`);
  }
  return structuredClone(value) as Message[];
}

/** Checks the shape of a response's JSON; returns its input and output messages. */
export function checkResponseJson(
  data: unknown,
): { input: Message[]; output: Message[]; json: ResponseJson } {
  if (!isObject(data)) {
    throw new InvalidResponseJsonError("expected an object with 'model', 'prompt' and 'messages'");
  }
  if (typeof data.model !== "string" || !data.model) {
    throw new InvalidResponseJsonError("'model' must name the model (a model id)");
  }
  if (data.prompt !== undefined && !isObject(data.prompt)) {
    throw new InvalidResponseJsonError("'prompt' must be an object with 'messages'");
  }
  const prompt = (data.prompt ?? {}) as Record<string, unknown>;
  return {
    input: messageList(prompt.messages, "prompt.messages"),
    output: messageList(data.messages, "messages"),
    json: data as unknown as ResponseJson,
  };
}

/** The text of the trailing user messages of a chain: what was typed for its last turn. */
function lastTurnText(messages: Message[]): string | undefined {
  let start = messages.length;
  while (start > 0 && (messages[start - 1].role === "user" || messages[start - 1].role === "tool")) start--;
  const text = messages.slice(start).filter((m) => m.role === "user").flatMap((m) => m.parts)
    .map((p) => (p.type === "text" ? p.text : "")).join("");
  return text || undefined;
}

/** The prompt of a restored response: its options and system prompt, and exactly the input chain sent. */
export function restoredPrompt(json: ResponseJson, input: Message[]): Prompt {
  const prompt = new Prompt({
    prompt: lastTurnText(input),
    system: typeof json.prompt?.system === "string" ? json.prompt.system : undefined,
    options: isObject(json.prompt?.options) ? { ...json.prompt.options } : undefined,
  });
  prompt.messages = input;
  return prompt;
}

/** Epoch milliseconds (with microseconds as the fraction) of an ISO time, or 0 when it does not parse. */
function parseIsoMs(text: unknown): number {
  if (typeof text !== "string") return 0;
  const match = /^(.+T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/.exec(text);
  if (!match) return 0;
  const base = Date.parse(`${match[1]}${match[3] || "Z"}`);
  if (Number.isNaN(base)) return 0;
  return base + (match[2] ? Number(`0.${match[2]}`) * 1000 : 0);
}

/** The events a restored response replays: its text, reasoning, tool calls and results, in order. */
function replayEvents(messages: Message[]): StreamEvent[] {
  const events: StreamEvent[] = [];
  messages.forEach((message, messageIndex) => {
    for (const part of message.parts) {
      const base = messageIndex ? { messageIndex } : {};
      if (part.type === "text") events.push({ type: "text", chunk: part.text, ...base });
      else if (part.type === "reasoning") {
        events.push({
          type: "reasoning",
          chunk: part.text,
          ...(part.redacted ? { redacted: true } : {}),
          ...base,
        });
      } else if (part.type === "tool_call") {
        const call = { toolCallId: part.tool_call_id, serverExecuted: part.server_executed, ...base };
        events.push({ type: "tool_call_name", chunk: part.name, ...call });
        events.push({ type: "tool_call_args", chunk: JSON.stringify(part.arguments), ...call });
      } else if (part.type === "tool_result") {
        events.push({
          type: "tool_result",
          chunk: part.output,
          toolName: part.name,
          toolCallId: part.tool_call_id,
          serverExecuted: part.server_executed,
          ...base,
        });
      }
    }
  });
  return events;
}

/** The state of a restored response, from its checked JSON and output messages. */
export function restoredState(json: ResponseJson, output: Message[]): RestoredResponse {
  const usage = isObject(json.usage) ? json.usage : {};
  const startMs = parseIsoMs(json.datetime_utc);
  const duration = typeof json.duration_ms === "number" ? json.duration_ms : 0;
  const toolCalls: ToolCall[] = output.flatMap((m) => m.parts).flatMap((p) =>
    p.type === "tool_call" && !p.server_executed
      ? [{
        name: p.name,
        arguments: p.arguments ?? {},
        ...(p.tool_call_id ? { toolCallId: p.tool_call_id } : {}),
      }]
      : []
  );
  return {
    id: typeof json.id === "string" && json.id ? json.id : undefined,
    messages: output,
    events: replayEvents(output),
    toolCalls,
    usage: {
      input: typeof usage.input === "number" ? usage.input : null,
      output: typeof usage.output === "number" ? usage.output : null,
      details: isObject(usage.details) ? { ...usage.details } : null,
    },
    startMs,
    endMs: startMs ? startMs + duration : 0,
    resolvedModel: typeof json.resolved_model === "string" ? json.resolved_model : null,
  };
}

/**
 * How `Response.fromJSON` creates a response from its JSON: the model is `options.model`, else the
 * registry's model of the stored id; the conversation is `options.conversation`, else a new one of the
 * stored conversation's id when the JSON names one; prompt and finished state are read from the JSON.
 * @throws {InvalidResponseJsonError} for JSON that is not a response's.
 * @throws {UnknownModelError} when the stored model is not installed and none is given.
 */
export function restoredResponseInit(
  data: unknown,
  options: { model?: Model; conversation?: Conversation },
): ResponseInit {
  const { input, output, json } = checkResponseJson(data);
  const model = options.model ?? lookupModel(json.model);
  const stored = json.conversation;
  const conversation = options.conversation ??
    (typeof stored?.id === "string" ? model.conversation({ id: stored.id, name: stored.name }) : undefined);
  return {
    model,
    prompt: restoredPrompt(json, input),
    stream: false,
    conversation,
    restored: restoredState(json, output),
  };
}

/**
 * A conversation as JSON: every response must have finished.
 * @throws {ResponseNotDoneError} for a response that has not.
 */
export function conversationToJson(conversation: Conversation): ConversationJson {
  const json: ConversationJson = { id: conversation.id, model: conversation.model.id, responses: [] };
  if (conversation.name) json.name = conversation.name;
  json.responses = conversation.responses.map(responseToJson);
  if (!json.responses.length && conversation.loadedMessages.length) {
    json.loaded_messages = structuredClone(conversation.loadedMessages);
  }
  return json;
}

/** Checks the shape of a conversation's JSON. */
export function checkConversationJson(data: unknown): ConversationJson {
  if (!isObject(data)) {
    throw new InvalidResponseJsonError("expected a conversation object with 'id' and 'model'");
  }
  if (typeof data.id !== "string" || !data.id) {
    throw new InvalidResponseJsonError("'id' must be the conversation id");
  }
  if (typeof data.model !== "string" || !data.model) {
    throw new InvalidResponseJsonError("'model' must name the conversation's model");
  }
  if (data.responses !== undefined && !Array.isArray(data.responses)) {
    throw new InvalidResponseJsonError("'responses' must be a list of responses");
  }
  const json = data as unknown as ConversationJson;
  return {
    ...json,
    responses: json.responses ?? [],
    loaded_messages: messageList(data.loaded_messages, "loaded_messages"),
  };
}
