/**
 * OpenAI Chat Completions models (`POST /chat/completions`). This module only defines them, so that listing
 * models stays cheap; their requests are in `run.ts`, loaded when one first runs.
 * @module
 */
import { lazyImport } from "../../../lazy_import.ts";
import { UnsupportedFeatureError } from "../../../models/errors.ts";
import type { Prompt } from "../../../models/prompt.ts";
import type { ExecuteContext } from "../../../models/response.ts";
import type { Chunk } from "../../../models/stream.ts";
import { openAILabel } from "../catalog.ts";
import { OpenAIBaseModel, type OpenAIModelConfig } from "../base_model.ts";
import { CHAT_JSON_REPLACEMENTS } from "../json_replacements.ts";

/** The request code of the Chat Completions models, loaded on first use. */
export function loadChatRunner(): Promise<typeof import("./run.ts")> {
  return lazyImport<typeof import("./run.ts")>("./run.ts", import.meta.url);
}

/** A model served through the Chat Completions API: `OpenAI Chat: <id>`. */
export class OpenAIChat extends OpenAIBaseModel {
  /** Creates the model. */
  constructor(id: string, config: OpenAIModelConfig = {}) {
    super(id, config);
    this.jsonReplacements = CHAT_JSON_REPLACEMENTS;
  }

  /** `OpenAI Chat: <id>`. */
  override get label(): string {
    return openAILabel("chat", this.id);
  }

  /** Sends the request and yields the text (and tool call and reasoning events) as it arrives. */
  override async *execute(prompt: Prompt, context: ExecuteContext): AsyncGenerator<Chunk> {
    if (prompt.system && this.config.allowsSystemPrompt === false) {
      throw new UnsupportedFeatureError(this.id, `Model ${this.id} does not support system prompts`);
    }
    const { runChat } = await loadChatRunner();
    yield* runChat(this, prompt, context);
  }
}
