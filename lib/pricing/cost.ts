/**
 * The cost of one response from its token counts and its model's price. Cached input tokens are found in the
 * usage details the providers report: OpenAI's `cached_tokens` (under `prompt_tokens_details` or
 * `input_tokens_details`, counted within the input tokens) and Anthropic's `cache_read_input_tokens` (counted
 * apart from them).
 *
 * @example
 * ```ts
 * import { costOf, formatCost } from "./cost.ts";
 * const cost = costOf("gpt-4o-mini", { input: 1000, output: 500, details: null });
 * formatCost(cost!.total); // "$0.00045"
 * ```
 * @module
 */
import { type ModelPrice, priceFor } from "./prices.ts";

/** Token counts as a response or a log row has them. */
export interface TokenCounts {
  /** Input tokens, or `null` when not reported. */
  input: number | null;
  /** Output tokens, or `null` when not reported. */
  output: number | null;
  /** Provider-specific details (cached tokens are read from here). */
  details?: Record<string, unknown> | null;
}

/** What a response cost, in US dollars. */
export interface Cost {
  /** The whole cost. */
  total: number;
  /** Input tokens not read from a cache. */
  inputTokens: number;
  /** Input tokens read from a cache. */
  cachedTokens: number;
  /** Output tokens. */
  outputTokens: number;
  /** The price used. */
  price: ModelPrice;
}

function numberAt(details: Record<string, unknown> | null | undefined, ...path: string[]): number {
  let value: unknown = details;
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** The cached input tokens in `counts`, and whether they are already part of `counts.input`. */
export function cachedInputTokens(counts: TokenCounts): { cached: number; withinInput: boolean } {
  const d = counts.details;
  const openai = numberAt(d, "prompt_tokens_details", "cached_tokens") ||
    numberAt(d, "input_tokens_details", "cached_tokens") || numberAt(d, "cached_tokens");
  if (openai) return { cached: openai, withinInput: true };
  return { cached: numberAt(d, "cache_read_input_tokens"), withinInput: false };
}

/**
 * The cost of a response of `modelId` (its model object may carry a plugin's price) with these counts, or
 * `undefined` when the price is unknown or no tokens were counted.
 */
export function costOf(modelId: string, counts: TokenCounts, model?: unknown): Cost | undefined {
  const price = priceFor(modelId, model);
  if (!price || (counts.input === null && counts.output === null)) return undefined;
  const { cached, withinInput } = cachedInputTokens(counts);
  const inputTokens = Math.max(0, (counts.input ?? 0) - (withinInput ? cached : 0));
  const outputTokens = counts.output ?? 0;
  const total = (inputTokens * price.input + cached * (price.cachedInput ?? price.input) +
    outputTokens * price.output) / 1_000_000;
  return { total, inputTokens, cachedTokens: cached, outputTokens, price };
}

/** Dollars with enough digits to show a small cost: `$1.23`, `$0.0123`, `$0.000219`. */
export function formatCost(dollars: number): string {
  if (dollars === 0) return "$0";
  if (dollars >= 1) return `$${dollars.toFixed(2)}`;
  // Three significant digits, trailing zeros dropped.
  const digits = Math.max(2, 2 - Math.floor(Math.log10(dollars)));
  const text = dollars.toFixed(Math.min(digits, 10)).replace(/0+$/, "");
  const decimals = text.length - text.indexOf(".") - 1;
  return `$${decimals < 2 ? dollars.toFixed(2) : text}`;
}

/** The `Cost: ...` line of `-u`: the cost and the date of the price, or why it is unknown. */
export function costLine(modelId: string, counts: TokenCounts, model?: unknown): string {
  const cost = costOf(modelId, counts, model);
  if (cost) {
    return `Cost: ${formatCost(cost.total)}${cost.price.asOf ? ` (prices of ${cost.price.asOf})` : ""}`;
  }
  if (counts.input === null && counts.output === null) return "Cost: unknown (no token counts)";
  return `Cost: unknown (no price known for ${modelId})`;
}
