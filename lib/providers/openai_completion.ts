/**
 * The legacy completion model (`POST /completions`), `gpt-3.5-turbo-instruct`.
 * @module
 */
import { CHAT_JSON_REPLACEMENTS } from "./openai_json_replacements.ts";
import { messageText } from "../models/messages.ts";
import type { Prompt } from "../models/prompt.ts";
import type { ExecuteContext } from "../models/response.ts";
import type { Chunk } from "../models/stream.ts";
import { ChunkCombiner } from "./openai_chat.ts";
import {
  apiOptions,
  loadHttpClient,
  OpenAIBaseModel,
  type OpenAIModelConfig,
  withoutNulls,
} from "./openai_client.ts";

/** A completion model: `OpenAI Completion: <id>`. It takes no system prompt; history is joined with newlines. */
export class OpenAICompletion extends OpenAIBaseModel {
  /** Creates the model. */
  constructor(id: string, config: OpenAIModelConfig = {}) {
    super(id, config, { completion: true });
    this.jsonReplacements = CHAT_JSON_REPLACEMENTS;
  }

  /** `OpenAI Completion: <id>`. */
  override get label(): string {
    return `OpenAI Completion: ${this.id}`;
  }

  /** The request body (without `stream`). */
  requestBody(prompt: Prompt, stream: boolean): Record<string, unknown> {
    const texts = prompt.messages
      .filter((m) => m.role === "user" || m.role === "assistant")
      .map(messageText)
      .filter(Boolean);
    const body: Record<string, unknown> = {
      model: this.apiModelName,
      prompt: texts.join("\n"),
      ...apiOptions(prompt.options, []),
    };
    if (body.max_tokens === undefined && this.config.defaultMaxTokens !== undefined) {
      body.max_tokens = this.config.defaultMaxTokens;
    }
    if (stream) body.stream_options = { include_usage: true };
    return body;
  }

  /** Sends the request and yields the text (and tool call and reasoning events) as it arrives. */
  override async *execute(prompt: Prompt, context: ExecuteContext): AsyncGenerator<Chunk> {
    if (prompt.system) throw new Error("System prompts are not supported for OpenAI completion models");
    const { response, signal, stream } = context;
    const connection = this.connection(context.key, signal);
    const { postJson, postStream } = await loadHttpClient();
    const body = this.requestBody(prompt, stream);
    let received = 0;
    try {
      if (stream) {
        const completion = postStream(connection, "/completions", { ...body, stream: true });
        const combined = new ChunkCombiner();
        for await (const raw of completion) {
          combined.add(raw);
          const text = (raw.choices as Record<string, unknown>[] | undefined)?.[0]?.text;
          if (typeof text === "string" && text) {
            received += text.length;
            yield text;
          }
        }
        response.setResponseJson(withoutNulls(combined.result()));
        setUsage(context, combined.usage);
      } else {
        const raw = await postJson(connection, "/completions", { ...body, stream: false });
        response.setResponseJson(withoutNulls(raw));
        const text = (raw.choices as Record<string, unknown>[] | undefined)?.[0]?.text;
        if (typeof text === "string") yield text;
        setUsage(context, raw.usage as Record<string, unknown> | undefined);
      }
    } catch (error) {
      throw this.toModelError(error, received, signal);
    }
  }
}

function setUsage(context: ExecuteContext, usage: Record<string, unknown> | undefined): void {
  if (!usage) return;
  context.response.setUsage({
    input: typeof usage.prompt_tokens === "number" ? usage.prompt_tokens : null,
    output: typeof usage.completion_tokens === "number" ? usage.completion_tokens : null,
  });
}
