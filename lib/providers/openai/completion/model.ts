/**
 * The legacy completion model (`POST /completions`), `gpt-3.5-turbo-instruct`. This module only defines it; its
 * requests are in `run.ts`, loaded when it first runs.
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

/** A completion model: `OpenAI Completion: <id>`. It takes no system prompt; history is joined with newlines. */
export class OpenAICompletion extends OpenAIBaseModel {
  /** Python llm has no async completion model, so `llm models list --async` leaves it out, as 0.32 does. */
  override supportsAsync = false;

  /** Creates the model. */
  constructor(id: string, config: OpenAIModelConfig = {}) {
    super(id, config, { completion: true });
    this.jsonReplacements = CHAT_JSON_REPLACEMENTS;
  }

  /** `OpenAI Completion: <id>`. */
  override get label(): string {
    return openAILabel("completion", this.id);
  }

  /** Sends the request and yields the text as it arrives. */
  override async *execute(prompt: Prompt, context: ExecuteContext): AsyncGenerator<Chunk | Chunk[]> {
    if (prompt.system) {
      throw new UnsupportedFeatureError(
        this.id,
        "System prompts are not supported for OpenAI completion models",
      );
    }
    const { runCompletion } = await lazyImport<typeof import("./run.ts")>(
      "./run.ts",
      import.meta.url,
    );
    yield* runCompletion(this, prompt, context);
  }
}
