/**
 * The Claude models this plugin registers, as data: the ids, aliases and capabilities `llm-anthropic`
 * gives them (its ids carry an `anthropic/` prefix; the API is sent the id without it).
 * @module
 */

/** What one Claude model can do, and what its requests default to. */
export interface ClaudeSpec {
  /** The API's model id, e.g. `claude-haiku-4-5-20251001` (the llm id is `anthropic/` + this). */
  claudeId: string;
  /** Aliases, e.g. `claude-haiku-4.5`. */
  aliases: string[];
  /** Takes PDF documents as well as images. */
  pdf?: boolean;
  /** Has the thinking options. */
  thinking?: boolean;
  /** Has `thinking_effort` (sent as `output_config.effort`). */
  effort?: boolean;
  /** Thinks adaptively by default (the 4.6 generation): no prefill, no beta headers for effort or 128k. */
  adaptive?: boolean;
  /** Can run Anthropic's server-side web search. */
  webSearch?: boolean;
  /** Takes a JSON schema as `output_config.format`; the others are given a forced tool instead. */
  structuredOutputs?: boolean;
  /** `max_tokens` when the option is not set. */
  maxTokens: number;
}

/** `max_tokens` of the models that give none. */
export const DEFAULT_MAX_TOKENS = 4096;

/** Every model, in the order `llm models` lists them. */
export const CLAUDE_MODELS: readonly ClaudeSpec[] = [
  { claudeId: "claude-3-opus-20240229", aliases: [], maxTokens: DEFAULT_MAX_TOKENS },
  { claudeId: "claude-3-opus-latest", aliases: ["claude-3-opus"], maxTokens: DEFAULT_MAX_TOKENS },
  { claudeId: "claude-3-sonnet-20240229", aliases: ["claude-3-sonnet"], maxTokens: DEFAULT_MAX_TOKENS },
  { claudeId: "claude-3-haiku-20240307", aliases: ["claude-3-haiku"], maxTokens: DEFAULT_MAX_TOKENS },
  { claudeId: "claude-3-5-sonnet-20240620", aliases: [], pdf: true, maxTokens: 8192 },
  { claudeId: "claude-3-5-sonnet-20241022", aliases: [], pdf: true, webSearch: true, maxTokens: 8192 },
  {
    claudeId: "claude-3-5-sonnet-latest",
    aliases: ["claude-3.5-sonnet", "claude-3.5-sonnet-latest"],
    pdf: true,
    webSearch: true,
    maxTokens: 8192,
  },
  { claudeId: "claude-3-5-haiku-latest", aliases: ["claude-3.5-haiku"], webSearch: true, maxTokens: 8192 },
  {
    claudeId: "claude-3-7-sonnet-20250219",
    aliases: [],
    pdf: true,
    thinking: true,
    webSearch: true,
    maxTokens: 8192,
  },
  {
    claudeId: "claude-3-7-sonnet-latest",
    aliases: ["claude-3.7-sonnet", "claude-3.7-sonnet-latest"],
    pdf: true,
    thinking: true,
    webSearch: true,
    maxTokens: 8192,
  },
  {
    claudeId: "claude-opus-4-0",
    aliases: ["claude-4-opus"],
    pdf: true,
    thinking: true,
    webSearch: true,
    maxTokens: 32000,
  },
  {
    claudeId: "claude-sonnet-4-0",
    aliases: ["claude-4-sonnet"],
    pdf: true,
    thinking: true,
    webSearch: true,
    maxTokens: 64000,
  },
  {
    claudeId: "claude-opus-4-1-20250805",
    aliases: ["claude-opus-4.1"],
    pdf: true,
    thinking: true,
    webSearch: true,
    structuredOutputs: true,
    maxTokens: 32000,
  },
  {
    claudeId: "claude-sonnet-4-5",
    aliases: ["claude-sonnet-4.5"],
    pdf: true,
    thinking: true,
    structuredOutputs: true,
    maxTokens: 64000,
  },
  {
    claudeId: "claude-haiku-4-5-20251001",
    aliases: ["claude-haiku-4.5"],
    pdf: true,
    thinking: true,
    maxTokens: 64000,
  },
  {
    claudeId: "claude-opus-4-5-20251101",
    aliases: ["claude-opus-4.5"],
    pdf: true,
    thinking: true,
    effort: true,
    webSearch: true,
    maxTokens: 64000,
  },
  ...["claude-opus-4-6", "claude-sonnet-4-6", "claude-opus-4-7", "claude-opus-4-8", "claude-fable-5"].map(
    (claudeId): ClaudeSpec => ({
      claudeId,
      // claude-opus-4-6 -> claude-opus-4.6; claude-fable-5 keeps its name.
      aliases: [claudeId.replace(/-(\d)-(\d)$/, "-$1.$2")],
      pdf: true,
      thinking: true,
      effort: true,
      adaptive: true,
      webSearch: true,
      structuredOutputs: true,
      maxTokens: 128000,
    }),
  ),
  {
    claudeId: "claude-sonnet-5",
    aliases: ["claude-sonnet-5"],
    pdf: true,
    thinking: true,
    structuredOutputs: true,
    maxTokens: 64000,
  },
];
