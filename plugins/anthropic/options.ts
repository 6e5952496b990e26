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
const STOP_SEQUENCES_ERROR = "stop_sequences must be a list of strings or a single string";

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
    "The maximum number of tokens to generate before stopping",
  ),
  temperature: z.number().min(0).max(1).optional().describe(
    "Amount of randomness injected into the response. Defaults to 1.0. Ranges from 0.0 to 1.0. Use " +
      "temperature closer to 0.0 for analytical / multiple choice, and closer to 1.0 for creative and " +
      "generative tasks",
  ),
  top_p: z.number().min(0).max(1).optional().describe(
    "Use nucleus sampling: only sample from the tokens within the top_p probability mass. Set either " +
      "temperature or top_p, not both",
  ),
  top_k: z.number().int().min(1).optional().describe(
    "Only sample from the top K options for each subsequent token",
  ),
  user_id: z.string().optional().describe(
    "An external identifier for the user who is associated with the request",
  ),
  prefill: z.string().optional().describe("A prefill to use for the response"),
  hide_prefill: z.boolean().optional().describe(
    "Do not repeat the prefill value at the start of the response",
  ),
  stop_sequences: z.union([
    z.array(z.string()),
    z.string().transform((text, ctx) => {
      const list = stopSequencesOf(text);
      if (!list) ctx.addIssue({ code: "custom", message: STOP_SEQUENCES_ERROR });
      return list ?? [];
    }),
  ], { error: STOP_SEQUENCES_ERROR }).optional().describe(
    "Custom text sequences that will cause the model to stop generating - pass either a list of strings " +
      "or a single string",
  ),
  cache: z.boolean().optional().describe("Use Anthropic prompt cache for any attachments or fragments"),
  fast: z.boolean().optional().describe("Use fast mode for lower latency responses"),
  web_search: z.boolean().optional().describe("Enable web search capabilities"),
  web_search_max_uses: z.number().int().min(1).optional().describe(
    "Maximum number of web searches to perform per request",
  ),
  web_search_allowed_domains: z.array(z.string()).optional().describe(
    "List of domains to restrict web searches to",
  ),
  web_search_blocked_domains: z.array(z.string()).optional().describe(
    "List of domains to exclude from web searches",
  ),
  web_search_location: z.object({
    city: z.string(),
    region: z.string(),
    country: z.string(),
    timezone: z.string(),
  }).optional().describe(
    "User location for localizing search results (dict with city, region, country, timezone)",
  ),
}));

/** The options of models that can think. */
export const thinkingOptions: OptionsDefinition = defineOptions((z) => ({
  thinking: z.boolean().optional().describe("Enable thinking mode"),
  thinking_budget: z.number().int().min(1).optional().describe("Number of tokens to budget for thinking"),
  thinking_display: z.boolean().optional().describe(
    "Request summarized thinking output (available in --json logs)",
  ),
  thinking_adaptive: z.boolean().optional().describe(
    'Force adaptive thinking mode (sends thinking={"type": "adaptive"})',
  ),
}));

/** The option of models with thinking effort. */
export const effortOptions: OptionsDefinition = defineOptions((z) => ({
  thinking_effort: z.enum(EFFORT_LEVELS).optional().describe(
    "Level of thinking effort to apply: low, medium, high, xhigh or max",
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
