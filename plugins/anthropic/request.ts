/**
 * The body of a `POST /v1/messages` request for a prompt, built as `llm-anthropic` builds it: sampling
 * options (temperature 1.0 unless top_p is set), thinking (adaptive, or enabled with a budget), effort,
 * `max_tokens` (the model's default, raised above a larger thinking budget), beta headers, structured
 * outputs or the forced-tool fallback for schemas, web search, and function tools.
 * @module
 */
import { InvalidOptionError, type Prompt, UnsupportedFeatureError } from "./_llm.ts";
import { anthropicMessages, type Block, systemOf } from "./messages.ts";
import type { ClaudeSpec } from "./models.ts";
import { strictSchema } from "./schema.ts";

/** The budget of `thinking: {type: "enabled"}` when no `thinking_budget` is given. */
export const DEFAULT_THINKING_BUDGET = 1024;

/** The name of the tool that carries schema output on models without structured outputs. */
export const SCHEMA_TOOL = "output_structured_data";

/** The web search tool version this plugin asks for. */
export const WEB_SEARCH_TOOL = "web_search_20250305";

/** The configuration names `-T WebSearch(...)` accepts. */
export const WEB_SEARCH_CONFIG = ["max_uses", "allowed_domains", "blocked_domains", "user_location"];

/** A request ready to send. */
export interface MessagesRequest {
  /** The JSON body. */
  body: Record<string, unknown>;
  /** Beta features, sent as the `anthropic-beta` header (and `?beta=true`). */
  betas: string[];
}

/** Body keys in the order the official client sends them (alphabetical, `stream` last). */
const KEY_ORDER = [
  "max_tokens",
  "messages",
  "metadata",
  "model",
  "output_config",
  "speed",
  "stop_sequences",
  "system",
  "temperature",
  "thinking",
  "tool_choice",
  "tools",
  "top_k",
  "top_p",
  "stream",
];

type Options = Record<string, unknown>;

/**
 * Sets an option the request implies (`thinking` when a thinking option is given, as `llm-anthropic` does),
 * keeping the options in their declared order so they are logged as Python `llm` logs them.
 */
function implyOption(options: Options, name: string, value: unknown, order: string[]): Options {
  const next: Options = { ...options, [name]: value };
  return Object.fromEntries(order.filter((key) => key in next).map((key) => [key, next[key]]));
}

function domainsConflict(): InvalidOptionError {
  return new InvalidOptionError(
    "web_search_allowed_domains",
    "Give web_search_allowed_domains or web_search_blocked_domains, not both",
  );
}

/** The web search tool: from the `web_search*` options, then what `-T WebSearch(...)` configured. */
function webSearchTool(spec: ClaudeSpec, modelId: string, prompt: Prompt): Block | undefined {
  const options = prompt.options;
  const requested = prompt.serverSideTools.find((t) => t.className === "WebSearch");
  if (!options.web_search && !requested) return undefined;
  if (!spec.webSearch) {
    throw new UnsupportedFeatureError(
      modelId,
      `Model ${modelId} has no web search; use a model that has it, e.g. claude-opus-4.6, ` +
        "claude-sonnet-4.6 or claude-opus-4.1",
    );
  }
  const config: Options = {
    max_uses: options.web_search_max_uses,
    allowed_domains: options.web_search_allowed_domains,
    blocked_domains: options.web_search_blocked_domains,
    user_location: options.web_search_location,
  };
  for (const [key, value] of Object.entries(requested?.config ?? {})) {
    if (!WEB_SEARCH_CONFIG.includes(key)) {
      throw new InvalidOptionError(
        key,
        `WebSearch has no setting '${key}'; use ${WEB_SEARCH_CONFIG.join(", ")}`,
      );
    }
    config[key] = value;
  }
  if (config.allowed_domains && config.blocked_domains) throw domainsConflict();
  const tool: Block = { type: WEB_SEARCH_TOOL, name: "web_search" };
  if (config.max_uses) tool.max_uses = config.max_uses;
  const allowed = config.allowed_domains as unknown[] | undefined;
  const blocked = config.blocked_domains as unknown[] | undefined;
  if (allowed?.length) tool.allowed_domains = allowed;
  if (blocked?.length) tool.blocked_domains = blocked;
  if (config.user_location) {
    tool.user_location = { ...(config.user_location as Options), type: "approximate" };
  }
  return tool;
}

/** The thinking settings, or undefined when the prompt does not ask for thinking. */
function thinkingOf(spec: ClaudeSpec, options: Options): Block | undefined {
  if (!spec.thinking) return undefined;
  const effort = spec.effort && options.thinking_effort;
  const requested = options.thinking || options.thinking_budget || options.thinking_display ||
    options.thinking_adaptive || effort;
  if (!requested) return undefined;
  let thinking: Block;
  if (options.thinking_adaptive || effort) thinking = { type: "adaptive" };
  else if (options.thinking_budget) thinking = { type: "enabled", budget_tokens: options.thinking_budget };
  else if (spec.adaptive) thinking = { type: "adaptive" };
  else thinking = { type: "enabled", budget_tokens: DEFAULT_THINKING_BUDGET };
  if (options.thinking_display) thinking.display = "summarized";
  return thinking;
}

/**
 * The request for `prompt` to the model `spec` (whose llm id is `modelId`). Options the request implies
 * are set on `prompt.options` (`thinking: true`), as `llm-anthropic` sets them.
 *
 * @throws {InvalidOptionError} for options that cannot go together.
 * @throws {UnsupportedFeatureError} for a schema with tools, web search or prefill on a model without them.
 */
export async function messagesRequest(
  spec: ClaudeSpec,
  modelId: string,
  prompt: Prompt,
  options: { stream: boolean; optionOrder: string[] },
): Promise<MessagesRequest> {
  const o = prompt.options;
  if (prompt.schema && prompt.tools.length) {
    throw new UnsupportedFeatureError(
      modelId,
      `Model ${modelId} cannot follow a schema and use tools in the same prompt; drop --schema or the tools`,
    );
  }
  if (o.top_p !== undefined && o.temperature !== undefined && o.temperature !== 1) {
    throw new InvalidOptionError(
      "top_p",
      "Set temperature or top_p, not both; remove one of the two options",
    );
  }
  if (o.web_search_allowed_domains !== undefined && o.web_search_blocked_domains !== undefined) {
    throw domainsConflict();
  }
  const body: Record<string, unknown> = { model: spec.claudeId };
  const messages = await anthropicMessages(prompt.messages);
  if (o.cache && messages.length) {
    const last = messages.at(-1)!.content;
    if (last.length) last[last.length - 1] = { ...last.at(-1), cache_control: { type: "ephemeral" } };
  }
  if (typeof o.prefill === "string" && o.prefill) {
    if (spec.adaptive) {
      throw new UnsupportedFeatureError(
        modelId,
        `Model ${modelId} cannot continue a prefilled answer (the prefill option); ask for the start you ` +
          "want in the system prompt, or use a schema",
      );
    }
    messages.push({ role: "assistant", content: [{ type: "text", text: o.prefill }] });
  }
  body.messages = messages;
  if (o.user_id) body.metadata = { user_id: o.user_id };
  if (o.top_p) body.top_p = o.top_p;
  else body.temperature = o.temperature ?? 1.0;
  if (o.top_k) body.top_k = o.top_k;
  const system = systemOf(prompt.system, prompt.messages);
  if (system) body.system = system;
  const stops = o.stop_sequences as string[] | undefined;
  if (stops?.length) body.stop_sequences = stops;

  const thinking = thinkingOf(spec, o);
  if (thinking) {
    body.thinking = thinking;
    if (o.thinking !== true) prompt.options = implyOption(o, "thinking", true, options.optionOrder);
  }
  const outputConfig: Record<string, unknown> = {};
  const effort = spec.effort ? o.thinking_effort : undefined;
  if (effort) outputConfig.effort = effort;

  let maxTokens = (o.max_tokens as number | undefined) ?? spec.maxTokens;
  const budget = o.thinking_budget as number | undefined;
  if (spec.thinking && budget !== undefined && budget > maxTokens) maxTokens = budget + 1;
  body.max_tokens = maxTokens;

  const betas: string[] = [];
  if (effort && !spec.adaptive) betas.push("effort-2025-11-24");
  if (maxTokens > 64000 && !spec.adaptive) betas.push("output-128k-2025-02-19");

  const structured = Boolean(prompt.schema && spec.structuredOutputs);
  if (structured) outputConfig.format = { type: "json_schema", schema: strictSchema(prompt.schema!) };
  if (Object.keys(outputConfig).length) body.output_config = outputConfig;
  if (o.fast) {
    body.speed = "fast";
    betas.push("fast-mode-2026-02-01");
  }

  const tools: Block[] = [];
  const search = webSearchTool(spec, modelId, prompt);
  if (search) tools.push(search);
  if (prompt.schema && !structured) {
    tools.push({ name: SCHEMA_TOOL, input_schema: prompt.schema });
    body.tool_choice = { type: "tool", name: SCHEMA_TOOL };
  }
  for (const tool of prompt.tools) {
    tools.push({ name: tool.name, description: tool.description ?? "", input_schema: tool.inputSchema });
  }
  if (tools.length) body.tools = tools;
  if (options.stream) body.stream = true;
  const ordered = Object.fromEntries(KEY_ORDER.filter((k) => k in body).map((k) => [k, body[k]]));
  return { body: ordered, betas };
}
