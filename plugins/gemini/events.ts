/**
 * What each streamed chunk of a Gemini answer means, as `llm-gemini` reads it: the first candidate's parts
 * become stream events (thought text is reasoning, `functionCall` a tool call, `toolCall`/`toolResponse` and
 * `executableCode`/`codeExecutionResult` server-executed tool calls and results), thought signatures and raw
 * server-side parts ride along as provider metadata, and grounding metadata joins the text it grounds. The
 * last chunk gives the usage and the response JSON that logs.db keeps.
 * @module
 */
import type { StreamEvent, Usage } from "./_llm.ts";
import { serverToolName } from "./catalog.ts";
import type { GeminiObject } from "./request.ts";

function asObject(value: unknown): GeminiObject | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? value as GeminiObject : undefined;
}

function hexId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/** A function call the model asked for (also given as stream events). */
export interface GeminiToolCall {
  /** The tool's name. */
  name: string;
  /** Its arguments. */
  arguments: Record<string, unknown>;
  /** Gemini's id for it, or one made up (`call_<hex>`) when Gemini gave none. */
  toolCallId: string;
}

/**
 * Reads the chunks of one answer in order. Server-side tool calls and their results arrive as separate
 * parts; the reader pairs them by tool type when Gemini gives them no ids.
 */
export class GeminiChunkReader {
  #serverIds = new Map<string, string>();
  #codeId: string | undefined;
  /** True once a chunk has carried a `finishReason`. */
  finishReason: string | undefined;
  /** Function calls seen so far, to register with the response. */
  readonly toolCalls: GeminiToolCall[] = [];

  /** The stream events of one chunk. */
  read(chunk: GeminiObject): StreamEvent[] {
    const candidates = chunk.candidates;
    if (!Array.isArray(candidates) || !candidates.length) return [];
    // Like llm-gemini, only the first candidate counts (one is all that is asked for).
    const candidate = asObject(candidates[0]) ?? {};
    if (typeof candidate.finishReason === "string") this.finishReason = candidate.finishReason;
    const parts = asObject(candidate.content)?.parts;
    const events: StreamEvent[] = [];
    for (const part of Array.isArray(parts) ? parts : []) {
      const object = asObject(part);
      if (object) events.push(...this.#part(object));
    }
    const grounding = candidate.groundingMetadata;
    if (grounding) attachGrounding(events, grounding);
    return events;
  }

  #part(part: GeminiObject): StreamEvent[] {
    const signature = typeof part.thoughtSignature === "string" ? part.thoughtSignature : undefined;
    const signed = signature ? { providerMetadata: { gemini: { thoughtSignature: signature } } } : {};
    const native = { providerMetadata: { gemini: { part: structuredClone(part) } } };
    const functionCall = asObject(part.functionCall);
    if (functionCall) {
      const toolCallId = typeof functionCall.id === "string" && functionCall.id
        ? functionCall.id
        : `call_${hexId()}`;
      const args = asObject(functionCall.args) ?? {};
      const name = String(functionCall.name ?? "");
      this.toolCalls.push({ name, arguments: args, toolCallId });
      return [
        { type: "tool_call_name", chunk: name, toolCallId, ...signed },
        { type: "tool_call_args", chunk: JSON.stringify(args), toolCallId },
      ];
    }
    const toolCall = asObject(part.toolCall);
    if (toolCall) {
      const toolType = String(toolCall.toolType ?? "");
      const name = serverToolName(toolCall.toolType);
      const toolCallId = typeof toolCall.id === "string" && toolCall.id ? toolCall.id : `${name}_${hexId()}`;
      this.#serverIds.set(toolType, toolCallId);
      return [
        { type: "tool_call_name", chunk: name, toolCallId, serverExecuted: true, ...native },
        {
          type: "tool_call_args",
          chunk: JSON.stringify(toolCall.args ?? {}),
          toolCallId,
          serverExecuted: true,
        },
      ];
    }
    const toolResponse = asObject(part.toolResponse);
    if (toolResponse) {
      const toolType = String(toolResponse.toolType ?? "");
      const name = serverToolName(toolResponse.toolType);
      const toolCallId = (typeof toolResponse.id === "string" && toolResponse.id) ||
        this.#serverIds.get(toolType) || `${name}_${hexId()}`;
      return [{
        type: "tool_result",
        chunk: JSON.stringify(toolResponse.response ?? {}),
        toolCallId,
        toolName: name,
        serverExecuted: true,
        ...native,
      }];
    }
    if (typeof part.text === "string") {
      if (!part.text && !signature) return [];
      return [{ type: part.thought ? "reasoning" : "text", chunk: part.text, ...signed }];
    }
    const code = asObject(part.executableCode);
    if (code) {
      const toolCallId = typeof code.id === "string" && code.id ? code.id : `code_${hexId()}`;
      this.#codeId = toolCallId;
      return [
        { type: "tool_call_name", chunk: "code_execution", toolCallId, serverExecuted: true, ...native },
        { type: "tool_call_args", chunk: JSON.stringify(code), toolCallId, serverExecuted: true },
      ];
    }
    const result = asObject(part.codeExecutionResult);
    if (result) {
      const toolCallId = (typeof result.id === "string" && result.id) || this.#codeId || `code_${hexId()}`;
      return [{
        type: "tool_result",
        chunk: JSON.stringify(result),
        toolCallId,
        toolName: "code_execution",
        serverExecuted: true,
        ...native,
      }];
    }
    return [];
  }
}

/**
 * Puts a candidate's grounding metadata on the last text event of its chunk; with no text in the chunk, an
 * empty text event carries it, which joins the text part before it.
 */
function attachGrounding(events: StreamEvent[], grounding: unknown): void {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event.type !== "text") continue;
    const metadata = { ...event.providerMetadata };
    metadata.gemini = { ...asObject(metadata.gemini), groundingMetadata: grounding };
    events[i] = { ...event, providerMetadata: metadata };
    return;
  }
  events.push({ type: "text", chunk: "", providerMetadata: { gemini: { groundingMetadata: grounding } } });
}

/** The usage and response JSON of an answer, from its last chunk. */
export interface GeminiOutcome {
  /** Token usage as `llm-gemini` reports it (null when the chunk had no usage). */
  usage: Usage | null;
  /** The last chunk without its candidates' content and usage, as logs.db keeps it. */
  responseJson: GeminiObject;
  /** `modelVersion`: the model Gemini says answered. */
  resolvedModel: string | null;
}

/**
 * Usage, response JSON and resolved model from the last chunk of an answer. Input tokens are the prompt's
 * (plus those of tool results the server fetched, `toolUsePromptTokenCount`); output tokens are the answer's
 * plus the thinking (`candidatesTokenCount + thoughtsTokenCount`); the details are the rest of
 * `usageMetadata` without the two totals.
 */
export function outcomeOf(last: GeminiObject): GeminiOutcome {
  const json = structuredClone(last);
  const resolvedModel = typeof json.modelVersion === "string" ? json.modelVersion : null;
  if (Array.isArray(json.candidates)) {
    for (const candidate of json.candidates) delete asObject(candidate)?.content;
  }
  const metadata = asObject(json.usageMetadata);
  let usage: Usage | null = null;
  if (metadata) {
    delete json.usageMetadata;
    const { promptTokenCount, totalTokenCount: _total, ...details } = metadata;
    const count = (value: unknown) => (typeof value === "number" ? value : 0);
    let input = typeof promptTokenCount === "number" ? promptTokenCount : null;
    const toolTokens = count(details.toolUsePromptTokenCount);
    if (toolTokens) input = (input ?? 0) + toolTokens;
    if (input !== null) {
      usage = {
        input,
        output: count(details.candidatesTokenCount) + count(details.thoughtsTokenCount),
        details: Object.keys(details).length ? details : null,
      };
    }
  }
  return { usage, responseJson: json, resolvedModel };
}
