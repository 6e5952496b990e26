/**
 * OpenAI Responses API models (`POST /responses`): the reasoning models and the gpt-5 family. This module only
 * defines them; their requests are in `run.ts`, loaded when one first runs.
 * @module
 */
import { lazyImport } from "../../../lazy_import.ts";
import { UnsupportedFeatureError } from "../../../models/errors.ts";
import type { Prompt } from "../../../models/prompt.ts";
import type { ExecuteContext } from "../../../models/response.ts";
import type { Chunk } from "../../../models/stream.ts";
import { loadChatRunner } from "../chat/model.ts";
import { openAILabel } from "../catalog.ts";
import { OpenAIBaseModel, type OpenAIModelConfig } from "../base_model.ts";
import { RESPONSES_JSON_REPLACEMENTS } from "../json_replacements.ts";
import { OPENAI_SERVER_SIDE_TOOLS } from "./server_tools.ts";

/** A model served through the Responses API: `OpenAI Responses: <id>`. */
export class OpenAIResponses extends OpenAIBaseModel {
  /** Creates the model; it also has the `chat_completions` option to fall back to Chat Completions. */
  constructor(id: string, config: OpenAIModelConfig = {}) {
    super(id, config, { chatCompletions: true });
    this.jsonReplacements = RESPONSES_JSON_REPLACEMENTS;
    this.serverSideTools = [...OPENAI_SERVER_SIDE_TOOLS];
  }

  /** `OpenAI Responses: <id>`. */
  override get label(): string {
    return openAILabel("responses", this.id);
  }

  /** Sends the request and yields the text (and tool call and reasoning events) as it arrives. */
  override async *execute(prompt: Prompt, context: ExecuteContext): AsyncGenerator<Chunk | Chunk[]> {
    if (prompt.options.chat_completions) {
      const asked = prompt.serverSideTools[0];
      if (asked) {
        throw new UnsupportedFeatureError(
          this.id,
          `Model '${this.id}' does not support server-side tool '${asked.name}' through Chat Completions`,
        );
      }
      const { runChat } = await loadChatRunner();
      yield* runChat(this, prompt, context);
      return;
    }
    if (prompt.system && this.config.allowsSystemPrompt === false) {
      throw new UnsupportedFeatureError(this.id, `Model ${this.id} does not support system prompts`);
    }
    const { runResponses } = await lazyImport<typeof import("./run.ts")>(
      "./run.ts",
      import.meta.url,
    );
    yield* runResponses(this, prompt, context);
  }
}
