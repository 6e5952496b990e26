/**
 * Reading a Messages API answer: each streamed event (or each block of a whole answer) becomes the stream
 * events Python `llm` 0.32 gets from `llm-anthropic` (text; thinking as reasoning, its signature as
 * provider metadata; tool calls by name then arguments; server-side web search calls and results marked
 * `serverExecuted`), while the final message is put together as the SDK's `get_final_message()` would give
 * it, for usage and `response_json`.
 * @module
 */
import { type Chunk, pythonJsonDumps } from "./_llm.ts";
import { streamError } from "./client.ts";
import { SCHEMA_TOOL } from "./request.ts";

type Json = Record<string, unknown>;

/**
 * A JSON value with object keys in the order the Anthropic SDK dumps them (`id` first, then alphabetical),
 * so text made from it (`json.dumps` of a result) reads as Python's does.
 */
export function sdkOrdered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sdkOrdered);
  if (!value || typeof value !== "object") return value;
  const keys = Object.keys(value).sort((a, b) =>
    a === "id" ? -1 : b === "id" ? 1 : a < b ? -1 : a > b ? 1 : 0
  );
  return Object.fromEntries(keys.map((k) => [k, sdkOrdered((value as Json)[k])]));
}

/** The text of a server-side tool's result, as `llm-anthropic` logs it: `json.dumps` of its content list. */
export function serverResultText(content: unknown): string {
  return Array.isArray(content) && content.length ? pythonJsonDumps(sdkOrdered(content)) : "";
}

/** The tool name of a server tool result block type: `web_search_tool_result` -> `web_search`. */
function serverToolName(type: string): string | undefined {
  return type !== "tool_result" && type.endsWith("_tool_result")
    ? type.slice(0, -"_tool_result".length)
    : undefined;
}

/** Options of {@link ClaudeReader}. */
export interface ReaderOptions {
  /** Read a `output_structured_data` tool call as the text of the answer (the schema fallback). */
  schemaTool?: boolean;
}

/** The blocks of one answer, as they are being put together. */
interface OpenBlock {
  block: Json;
  /** The streamed pieces of a text or thinking block, joined when it stops (cheaper than `+=` per piece). */
  pieces?: string[];
  /** The arguments of a tool call, as streamed so far. */
  json?: string;
  /** A server-side tool call or result. */
  server?: boolean;
  /** The schema fallback's tool call, read as text. */
  schemaText?: boolean;
}

/**
 * Turns the events of one streamed answer into chunks, and keeps the final message. Feed it each event's
 * data with {@link ClaudeReader.event}; the chunks to yield are returned.
 */
export class ClaudeReader {
  /** The message as known so far (`message_start`, its blocks, then `message_delta`). */
  message: Json = {};
  /** True once `message_stop` has arrived. */
  finished = false;
  #blocks: OpenBlock[] = [];
  #current?: OpenBlock;
  #schemaTool: boolean;

  /** Creates a reader. */
  constructor(options: ReaderOptions = {}) {
    this.#schemaTool = options.schemaTool ?? false;
  }

  /** The chunks one event gives (none for most). @throws {ModelError} for an `error` event. */
  event(data: Json): Chunk | undefined {
    switch (data.type) {
      case "content_block_delta":
        return this.#delta(data.delta as Json);
      case "content_block_start":
        return this.#start(data.content_block as Json);
      case "content_block_stop": {
        const open = this.#current;
        if (open) this.#close(open);
        if (open?.json !== undefined && open.json !== "") {
          try {
            open.block.input = JSON.parse(open.json);
          } catch {
            open.block.input = { _raw: open.json };
          }
        }
        return undefined;
      }
      case "message_start":
        this.message = { ...(data.message as Json) };
        return undefined;
      case "message_delta": {
        Object.assign(this.message, data.delta as Json);
        const usage = data.usage as Json | undefined;
        if (usage) {
          const merged: Json = { ...(this.message.usage as Json | undefined) };
          for (const [k, v] of Object.entries(usage)) if (v !== null && v !== undefined) merged[k] = v;
          this.message.usage = merged;
        }
        return undefined;
      }
      case "message_stop":
        this.finished = true;
        return undefined;
      case "error":
        throw streamError(data);
      default:
        return undefined;
    }
  }

  /** Joins the streamed pieces of a text or thinking block into it. */
  #close(open: OpenBlock): void {
    if (!open.pieces) return;
    const key = open.block.type === "thinking" ? "thinking" : "text";
    open.block[key] = (open.block[key] ?? "") + open.pieces.join("");
    open.pieces = undefined;
  }

  #start(block: Json): Chunk | undefined {
    if (this.#current) this.#close(this.#current);
    const open: OpenBlock = { block: { ...block } };
    this.#blocks.push(open);
    this.#current = open;
    const type = String(block.type);
    if (type === "tool_use" || type === "server_tool_use") {
      open.json = "";
      open.server = type === "server_tool_use";
      if (this.#schemaTool && type === "tool_use" && block.name === SCHEMA_TOOL) {
        open.schemaText = true;
        return undefined;
      }
      return {
        type: "tool_call_name",
        chunk: String(block.name ?? ""),
        toolCallId: block.id as string,
        serverExecuted: open.server,
      };
    }
    const toolName = serverToolName(type);
    if (toolName) {
      open.server = true;
      return {
        type: "tool_result",
        chunk: serverResultText(block.content),
        toolCallId: block.tool_use_id as string,
        serverExecuted: true,
        toolName,
      };
    }
    if (type === "redacted_thinking") {
      return {
        type: "reasoning",
        chunk: "",
        redacted: true,
        providerMetadata: { anthropic: { data: block.data } },
      };
    }
    return undefined;
  }

  #delta(delta: Json): Chunk | undefined {
    const open = this.#current;
    if (!open) return undefined;
    const block = open.block;
    switch (delta.type) {
      case "text_delta":
      case "thinking_delta": {
        const text = (delta.type === "text_delta" ? delta.text : delta.thinking) as string;
        (open.pieces ??= []).push(text);
        return { type: delta.type === "text_delta" ? "text" : "reasoning", chunk: text };
      }
      case "signature_delta":
        block.signature = delta.signature;
        return {
          type: "reasoning",
          chunk: "",
          providerMetadata: { anthropic: { signature: delta.signature } },
        };
      case "input_json_delta": {
        const piece = delta.partial_json as string;
        open.json = (open.json ?? "") + piece;
        if (open.schemaText) return piece ? { type: "text", chunk: piece } : undefined;
        return {
          type: "tool_call_args",
          chunk: piece,
          toolCallId: block.id as string,
          serverExecuted: open.server ?? false,
        };
      }
      case "citations_delta":
        block.citations = [...((block.citations as unknown[] | undefined) ?? []), delta.citation];
        return undefined;
      default:
        return undefined;
    }
  }

  /** The blocks of the answer, whole. */
  get content(): Json[] {
    if (this.#current) this.#close(this.#current);
    return this.#blocks.map((b) => b.block);
  }

  /** Whether a block is the schema fallback's tool call (its input is the answer's text, not a call). */
  isSchemaBlock(block: Json): boolean {
    return this.#schemaTool && block.type === "tool_use" && block.name === SCHEMA_TOOL;
  }
}

/**
 * The chunks of a whole (not streamed) answer's blocks, in order; `prefill` goes before the first text.
 */
export function chunksOfMessage(
  content: Json[],
  options: ReaderOptions & { prefill?: string } = {},
): Chunk[] {
  const chunks: Chunk[] = [];
  let prefill = options.prefill ?? "";
  for (const block of content) {
    const type = String(block.type);
    if (type === "thinking") {
      chunks.push({
        type: "reasoning",
        chunk: String(block.thinking ?? ""),
        ...(block.signature ? { providerMetadata: { anthropic: { signature: block.signature } } } : {}),
      });
    } else if (type === "redacted_thinking") {
      chunks.push({
        type: "reasoning",
        chunk: "",
        redacted: true,
        providerMetadata: { anthropic: { data: block.data } },
      });
    } else if (type === "text") {
      chunks.push({ type: "text", chunk: prefill + String(block.text ?? "") });
      prefill = "";
    } else if (type === "tool_use" || type === "server_tool_use") {
      if (options.schemaTool && type === "tool_use" && block.name === SCHEMA_TOOL) {
        chunks.push({ type: "text", chunk: JSON.stringify(block.input ?? {}) });
        continue;
      }
      const common = { toolCallId: block.id as string, serverExecuted: type === "server_tool_use" };
      chunks.push({ type: "tool_call_name", chunk: String(block.name ?? ""), ...common });
      chunks.push({ type: "tool_call_args", chunk: pythonJsonDumps(block.input ?? {}), ...common });
    } else {
      const toolName = serverToolName(type);
      if (toolName) {
        chunks.push({
          type: "tool_result",
          chunk: serverResultText(block.content),
          toolCallId: block.tool_use_id as string,
          serverExecuted: true,
          toolName,
        });
      }
    }
  }
  return chunks;
}

/** The message as `response_json` keeps it: usage left out, keys in the SDK's order, text `citations`. */
export function responseJsonOf(message: Json): Json {
  const { usage: _, ...rest } = message;
  const content = Array.isArray(rest.content)
    ? (rest.content as Json[]).map((
      b,
    ) => (b.type === "text" && !("citations" in b) ? { citations: null, ...b } : b))
    : rest.content;
  return sdkOrdered({ ...rest, content }) as Json;
}

/**
 * Token usage as `llm-anthropic` reports it: input and output tokens, and the rest of the usage object as
 * details only when prompt caching was asked for or a server-side tool ran.
 */
export function usageOf(message: Json, cache: boolean): {
  input: number | null;
  output: number | null;
  details: Json | null;
} {
  const usage = (message.usage ?? {}) as Json;
  const { input_tokens, output_tokens, ...rest } = usage;
  const details = cache || rest.server_tool_use ? sdkOrdered(rest) as Json : null;
  return {
    input: typeof input_tokens === "number" ? input_tokens : null,
    output: typeof output_tokens === "number" ? output_tokens : null,
    details,
  };
}
