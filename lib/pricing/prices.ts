/**
 * What models cost: the price table of the built-in models (`prices.json`, dated and sourced, in US dollars
 * per million tokens), and prices that plugins give their models. A plugin gives a model a price by setting a
 * `prices` property on it (a {@link ModelPrice}); that wins over the table.
 *
 * @example
 * ```ts
 * import { priceFor } from "./prices.ts";
 * priceFor("gpt-4o-mini")?.input; // 0.15 (dollars per million input tokens)
 * priceFor("no-such-model"); // undefined: the price is unknown
 * ```
 * @module
 */
import table from "./prices.json" with { type: "json" };

/** The price of a model, in US dollars per million tokens. */
export interface ModelPrice {
  /** Input (prompt) tokens. */
  input: number;
  /** Input tokens read from the provider's cache; `null` when they cost the same as other input. */
  cachedInput: number | null;
  /** Output tokens (reasoning tokens included, as providers count them). */
  output: number;
  /** The date the price was published or took effect (`YYYY-MM-DD`). */
  asOf: string;
  /** Where the price was published. */
  source: string;
}

interface TableEntry {
  models: string[];
  input: number;
  cached_input: number | null;
  output: number;
  as_of: string;
  source: string;
}

let byModel: Map<string, ModelPrice> | undefined;

/** The built-in price table, by model id. */
export function builtinPrices(): ReadonlyMap<string, ModelPrice> {
  if (!byModel) {
    byModel = new Map();
    for (const entry of table.prices as TableEntry[]) {
      const price = {
        input: entry.input,
        cachedInput: entry.cached_input,
        output: entry.output,
        asOf: entry.as_of,
        source: entry.source,
      };
      for (const id of entry.models) byModel.set(id, price);
    }
  }
  return byModel;
}

/** True when `value` has the shape of a {@link ModelPrice} (checked on what plugins give). */
export function isModelPrice(value: unknown): value is ModelPrice {
  const v = value as Record<string, unknown> | null;
  return typeof v === "object" && v !== null && typeof v.input === "number" && typeof v.output === "number" &&
    (v.cachedInput === null || v.cachedInput === undefined || typeof v.cachedInput === "number");
}

/**
 * The price of `modelId`: the `prices` property of `model` (a plugin's model) when it has one, else the
 * built-in table's entry, else `undefined` (unknown).
 */
export function priceFor(modelId: string, model?: unknown): ModelPrice | undefined {
  const own = (model as { prices?: unknown } | undefined)?.prices;
  if (isModelPrice(own)) {
    return { ...own, cachedInput: own.cachedInput ?? null, asOf: own.asOf ?? "", source: own.source ?? "" };
  }
  return builtinPrices().get(modelId);
}
