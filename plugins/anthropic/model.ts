/**
 * `ClaudeModel`: one Claude model behind the Messages API. It sends the prompt's whole message chain,
 * streams the answer (or reads it whole with `--no-stream`), and reports usage, tool calls and the final
 * message, as `llm-anthropic` does.
 * @module
 */
import {
  type Chunk,
  type ExecuteContext,
  Model,
  ModelError,
  type Prompt,
  type ServerSideToolInfo,
} from "./_llm.ts";
import { lostConnection, postMessages, readEventData } from "./client.ts";
import type { ClaudeSpec } from "./models.ts";
import { OPTION_NAMES, optionsFor } from "./options.ts";
import { messagesRequest, SCHEMA_TOOL } from "./request.ts";
import { chunksOfMessage, ClaudeReader, responseJsonOf, usageOf } from "./stream.ts";

/** The image types every Claude model takes. */
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"];

/** The server-side web search, as `-T WebSearch` asks for it. */
export const WEB_SEARCH: ServerSideToolInfo = {
  className: "WebSearch",
  name: "web_search",
  description: "Search the web with Anthropic's server-side web search tool (settings: max_uses, " +
    "allowed_domains, blocked_domains, user_location)",
};

type Json = Record<string, unknown>;

/** A Claude model, e.g. `anthropic/claude-haiku-4-5-20251001`. */
export class ClaudeModel extends Model {
  /** What the model can do. */
  readonly spec: ClaudeSpec;

  /** Creates the model for one catalog entry. */
  constructor(spec: ClaudeSpec) {
    super(`anthropic/${spec.claudeId}`, {
      needsKey: "anthropic",
      keyEnvVar: "ANTHROPIC_API_KEY",
      canStream: true,
      attachmentTypes: spec.pdf ? [...IMAGE_TYPES, "application/pdf"] : IMAGE_TYPES,
      supportsSchema: true,
      supportsTools: true,
      options: optionsFor(spec),
      serverSideTools: spec.webSearch ? [WEB_SEARCH] : [],
    });
    this.spec = spec;
  }

  /** `Anthropic Messages: anthropic/claude-...`, as `llm-anthropic` shows it. */
  override get label(): string {
    return `Anthropic Messages: ${this.id}`;
  }

  /** Sends the prompt to `/v1/messages` and yields the answer as it arrives. */
  override async *execute(prompt: Prompt, context: ExecuteContext): AsyncIterable<Chunk> {
    const { signal, stream } = context;
    const { body, betas } = await messagesRequest(this.spec, this.id, prompt, {
      stream,
      optionOrder: OPTION_NAMES,
    });
    const options = prompt.options;
    const prefill = typeof options.prefill === "string" && !options.hide_prefill ? options.prefill : "";
    const schemaTool = Boolean(prompt.schema && !this.spec.structuredOutputs);
    const response = await postMessages({ key: context.key ?? "", body, betas, signal });
    let message: Json;
    let content: Json[];
    let isSchemaBlock: (block: Json) => boolean;
    if (!stream || !response.body) {
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        if (signal.aborted) throw error;
        throw lostConnection(error);
      }
      try {
        message = JSON.parse(text);
      } catch {
        throw new ModelError(`The Anthropic API sent an answer that is not JSON: ${text.slice(0, 200)}`, {
          kind: "stream",
        });
      }
      content = Array.isArray(message.content) ? message.content as Json[] : [];
      isSchemaBlock = (block) => schemaTool && block.type === "tool_use" && block.name === SCHEMA_TOOL;
      yield* chunksOfMessage(content, { schemaTool, prefill });
    } else {
      const reader = new ClaudeReader({ schemaTool });
      if (prefill) yield { type: "text", chunk: prefill };
      for await (const batch of readEventData(response.body, signal)) {
        for (const data of batch) {
          let event: Json;
          try {
            event = JSON.parse(data);
          } catch {
            throw new ModelError(`The Anthropic API sent an event that is not JSON: ${data.slice(0, 200)}`, {
              kind: "stream",
            });
          }
          const out = reader.event(event);
          if (out !== undefined) yield out;
        }
      }
      if (!reader.finished) {
        throw new ModelError(
          "The response from the Anthropic API ended before it was finished (no message_stop event); try again",
          { kind: "stream" },
        );
      }
      message = { ...reader.message, content: reader.content };
      content = reader.content;
      isSchemaBlock = (block) => reader.isSchemaBlock(block);
    }
    const calls = content.filter((b) => b.type === "tool_use" && !isSchemaBlock(b));
    for (const call of calls) {
      context.response.addToolCall({
        name: String(call.name),
        arguments: (call.input ?? {}) as Record<string, unknown>,
        toolCallId: call.id as string,
      });
    }
    // As llm-anthropic does, a streamed answer with tool calls ends in a space, so that the text of the
    // next round does not run into this one's (it is never sent back).
    if (stream && calls.length) yield { type: "text", chunk: " " };
    context.response.setResponseJson(responseJsonOf(message));
    context.response.setUsage(usageOf(message, Boolean(prompt.options.cache)));
  }
}
