/**
 * `llm-anthropic` for Deno: Anthropic's Claude models through the Messages API (`POST /v1/messages`),
 * with the model ids, aliases and options of the Python plugin of the same name.
 *
 * Install it with `llm install llm-anthropic`, set a key with `llm keys set anthropic` (or
 * `ANTHROPIC_API_KEY`), then `llm -m claude-haiku-4.5 'Hi'`. Options include `max_tokens`, `temperature`,
 * `top_p`, `top_k`, `stop_sequences`, `prefill`/`hide_prefill`, `thinking`, `thinking_budget`,
 * `thinking_effort`, `cache`, `user_id` and `web_search`; schemas, tools, image and PDF attachments and the
 * server-side `WebSearch` tool work too. `ANTHROPIC_BASE_URL` sends requests to another host (a proxy).
 *
 * @example
 * ```ts
 * import plugin from "./mod.ts";
 * const ids: string[] = [];
 * plugin.registerModels?.((model) => void ids.push(model.id));
 * console.log(ids.includes("anthropic/claude-haiku-4-5-20251001")); // true
 * ```
 * @module
 */
import type { Plugin } from "./_llm.ts";
import { ClaudeModel } from "./model.ts";
import { CLAUDE_MODELS } from "./models.ts";

export { anthropicBaseUrl } from "./client.ts";
export { ClaudeModel, WEB_SEARCH } from "./model.ts";
export { CLAUDE_MODELS, type ClaudeSpec } from "./models.ts";
export { type MessagesRequest, messagesRequest } from "./request.ts";
export { type JsonSchema, strictSchema } from "./schema.ts";

/** The plugin's version (that of its JSR package). */
export const VERSION = "0.1.0";

/** The plugin: every Claude model of `llm-anthropic`, with its aliases. */
const plugin: Plugin = {
  name: "llm-anthropic",
  version: VERSION,
  // What its Worker may do (docs/plugins.md): reach the API (or ANTHROPIC_BASE_URL's host), read its two
  // variables, and be given the stored key `anthropic`.
  permissions: {
    net: ["api.anthropic.com", "$ANTHROPIC_BASE_URL"],
    env: ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"],
    keys: ["anthropic"],
  },
  registerModels(register) {
    for (const spec of CLAUDE_MODELS) register(new ClaudeModel(spec), { aliases: spec.aliases });
  },
};

export default plugin;
