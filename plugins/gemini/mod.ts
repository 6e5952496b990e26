/**
 * `llm-gemini` for Deno: Google's Gemini models through the Gemini API (the Generative Language API), with
 * the model ids, aliases, options and behaviour of the Python `llm-gemini` plugin.
 *
 * Each model is registered as `gemini/<id>` with `<id>` as its alias (`llm -m gemini-flash-latest`). Prompts
 * stream from `POST /v1beta/models/<id>:streamGenerateContent`; thinking is shown as reasoning, and thought
 * signatures are kept on the parts they came with and sent back on the next turn. Schemas, function tools,
 * attachments (inline, or a YouTube URL by reference) and the server-side tools `GoogleSearch`,
 * `URLContext` and `CodeExecution` are supported. `llm gemini models` lists what the API offers.
 *
 * The key is `llm keys set gemini` or `LLM_GEMINI_KEY`; `LLM_GEMINI_BASE_URL` points the plugin at another
 * host (a proxy, or a test server).
 *
 * @example
 * ```sh
 * llm install llm-gemini
 * llm keys set gemini
 * llm -m gemini-flash-latest 'A short joke about a pelican and a walrus'
 * ```
 * @module
 */
import type { Plugin } from "./_llm.ts";
import { GEMINI_MODEL_IDS } from "./catalog.ts";
import { geminiCommand } from "./commands.ts";
import { geminiEmbeddingModels } from "./embedding_model.ts";
import { GeminiModel } from "./model.ts";

export { ATTACHMENT_TYPES, GEMINI_MODEL_IDS, type GeminiModelInfo, geminiModelInfo } from "./catalog.ts";
export { DEFAULT_GEMINI_BASE_URL, geminiBaseUrl } from "./client.ts";
export {
  GEMINI_EMBEDDING_BATCH_SIZE,
  GEMINI_EMBEDDING_DIMENSIONS,
  GEMINI_EMBEDDING_MODEL_IDS,
  GeminiEmbeddingModel,
  geminiEmbeddingModels,
  type GeminiEmbedRequest,
} from "./embedding_model.ts";
export { GEMINI_KEY_ENV_VAR, GEMINI_KEY_NAME, GeminiModel } from "./model.ts";
export { geminiOptions } from "./options.ts";
export { type GeminiObject, geminiRequestBody, isYouTubeUrl, type RequestTarget } from "./request.ts";
export { cleanupSchema } from "./schema.ts";

/** The plugin's version (keep it equal to `version` in its deno.json). */
export const VERSION = "0.1.0";

/** The plugin: one model per Gemini model id, and the `llm gemini` commands. */
const plugin: Plugin = {
  name: "llm-gemini",
  version: VERSION,
  registerModels(register) {
    for (const id of GEMINI_MODEL_IDS) register(new GeminiModel(id), { aliases: [id] });
  },
  registerEmbeddingModels(register) {
    for (const model of geminiEmbeddingModels()) register(model);
  },
  registerCommands(cli) {
    cli.add(geminiCommand);
  },
};

export default plugin;
