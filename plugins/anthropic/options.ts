/**
 * The options of the Claude models, named and ordered as `llm-anthropic` declares them (logs.db stores them
 * in that order). Models with thinking add the thinking options; those with effort add `thinking_effort`.
 * @module
 */
import { defineOptions, type OptionsDefinition } from "./_llm.ts";
import type { ClaudeSpec } from "./models.ts";

/** The levels of `thinking_effort`. */
export const EFFORT_LEVELS = ["low", "medium", "high", "xhigh", "max"] as const;

/** The message for a `stop_sequences` value that is neither a string nor a list of strings. */
const STOP_SEQUENCES_ERROR = "stop_sequences takes a JSON list of strings, or one string";

/**
 * A `stop_sequences` string as `llm-anthropic` reads it: a JSON list of strings, or else one stop sequence.
 * Returns `undefined` for JSON that is not a list of strings.
 */
export function stopSequencesOf(text: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [text];
  }
  return Array.isArray(parsed) && parsed.every((s) => typeof s === "string") ? parsed : undefined;
}

/** The options every Claude model has. */
export const claudeOptions: OptionsDefinition = defineOptions((z) => ({
  max_tokens: z.number().int().min(1).optional().describe(
    "Most tokens the answer may have (default: the model's maximum output)",
  ),
  temperature: z.number().min(0).max(1).optional().describe(
    "Sampling temperature from 0.0 to 1.0 (default 1.0): lower for analysis and multiple choice, higher " +
      "for creative writing; even 0.0 is not fully deterministic",
  ),
  top_p: z.number().min(0).max(1).optional().describe(
    "Nucleus sampling from 0.0 to 1.0: pick only among the likeliest tokens that make up this much of the " +
      "probability; set this or temperature, not both",
  ),
  top_k: z.number().int().min(1).optional().describe(
    "Pick each token only among the K likeliest ones (cuts off unlikely tokens)",
  ),
  user_id: z.string().optional().describe(
    "Your identifier for the end user of this request (sent as metadata.user_id)",
  ),
  prefill: z.string().optional().describe("Text the answer must start with (sent as the start of its turn)"),
  hide_prefill: z.boolean().optional().describe(
    "Leave the prefill text out of the answer shown and logged",
  ),
  stop_sequences: z.union([
    z.array(z.string()),
    z.string().transform((text, ctx) => {
      const list = stopSequencesOf(text);
      if (!list) ctx.addIssue({ code: "custom", message: STOP_SEQUENCES_ERROR });
      return list ?? [];
    }),
  ], { error: STOP_SEQUENCES_ERROR }).optional().describe(
    "Stop the answer at any of these texts: a JSON list of strings, or one string",
  ),
  cache: z.boolean().optional().describe(
    "Cache the prompt (attachments, fragments, history) with Anthropic's prompt caching",
  ),
  fast: z.boolean().optional().describe(
    "Ask for Anthropic's fast mode: answers sooner, on models that have it",
  ),
  web_search: z.boolean().optional().describe("Let the model search the web (Anthropic's web search tool)"),
  web_search_max_uses: z.number().int().min(1).optional().describe(
    "Most web searches the model may run for one prompt",
  ),
  web_search_allowed_domains: z.array(z.string()).optional().describe(
    "Search only these domains (a list)",
  ),
  web_search_blocked_domains: z.array(z.string()).optional().describe(
    "Never search these domains (a list)",
  ),
  web_search_location: z.object({
    city: z.string(),
    region: z.string(),
    country: z.string(),
    timezone: z.string(),
  }).optional().describe(
    "Where the user is, for local results: a dict with city, region, country and timezone",
  ),
}));

/** The options of models that can think. */
export const thinkingOptions: OptionsDefinition = defineOptions((z) => ({
  thinking: z.boolean().optional().describe("Think before answering (extended thinking)"),
  thinking_budget: z.number().int().min(1).optional().describe(
    "Most tokens to spend thinking (turns thinking on)",
  ),
  thinking_display: z.boolean().optional().describe(
    "Ask for a summary of the thinking, kept as reasoning in the logs (turns thinking on)",
  ),
  thinking_adaptive: z.boolean().optional().describe(
    "Let the model decide how much to think (adaptive thinking; turns thinking on)",
  ),
}));

/** The option of models with thinking effort. */
export const effortOptions: OptionsDefinition = defineOptions((z) => ({
  thinking_effort: z.enum(EFFORT_LEVELS).optional().describe(
    "How hard to think: low, medium, high, xhigh or max (turns adaptive thinking on)",
  ),
}));

function merged(parts: OptionsDefinition[]): OptionsDefinition {
  return async (z) => Object.assign({}, ...await Promise.all(parts.map((part) => part(z))));
}

/** The options of models with thinking, and of those with effort too (one definition each, shared). */
const withThinking = merged([claudeOptions, thinkingOptions]);
const withEffort = merged([claudeOptions, thinkingOptions, effortOptions]);

/** The options of one model: the common ones, then thinking, then effort, as its capabilities allow. */
export function optionsFor(spec: ClaudeSpec): OptionsDefinition {
  if (!spec.thinking) return claudeOptions;
  return spec.effort ? withEffort : withThinking;
}

/** Every option name, in declaration order (the order logs.db stores options in). */
export const OPTION_NAMES: string[] = [
  "max_tokens",
  "temperature",
  "top_p",
  "top_k",
  "user_id",
  "prefill",
  "hide_prefill",
  "stop_sequences",
  "cache",
  "fast",
  "web_search",
  "web_search_max_uses",
  "web_search_allowed_domains",
  "web_search_blocked_domains",
  "web_search_location",
  "thinking",
  "thinking_budget",
  "thinking_display",
  "thinking_adaptive",
  "thinking_effort",
];
