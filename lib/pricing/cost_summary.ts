/**
 * `llm logs --cost`: the token counts and the cost of a selection of logged responses, per model and in
 * total. Responses whose model has no known price are counted, and said to be left out of the total cost.
 *
 * @example
 * ```ts
 * import { renderCostSummary, summarizeCosts } from "./cost_summary.ts";
 * const summary = summarizeCosts([{ model: "gpt-4o-mini", input_tokens: 1000, output_tokens: 50, token_details: null }]);
 * console.log(renderCostSummary(summary));
 * ```
 * @module
 */
import { costOf, formatCost } from "./cost.ts";

/** The fields of a log row the summary reads. */
export interface CostedRow {
  /** Model id. */
  model: string | null;
  /** Input tokens. */
  input_tokens: number | null;
  /** Output tokens. */
  output_tokens: number | null;
  /** Usage details as JSON text. */
  token_details: string | null;
}

/** One model's line of the summary. */
export interface ModelCost {
  /** The model id. */
  model: string;
  /** Responses counted. */
  responses: number;
  /** Input tokens, cached ones included. */
  inputTokens: number;
  /** Cached input tokens. */
  cachedTokens: number;
  /** Output tokens. */
  outputTokens: number;
  /** The cost of the responses with a known price (dollars), or `null` when none has one. */
  cost: number | null;
  /** Responses without a known price (or without token counts). */
  unpriced: number;
  /** The dates of the prices used. */
  pricesAsOf: string[];
}

/** The whole summary. */
export interface CostSummary {
  /** By model, most expensive first (unknown costs last). */
  models: ModelCost[];
  /** Totals; `cost` adds up what is known. */
  total: Omit<ModelCost, "model" | "pricesAsOf">;
}

/**
 * Sums `rows` per model. `modelFor(id)` may return a model object whose `prices` a plugin set (see
 * `prices.ts`).
 */
export function summarizeCosts(rows: readonly CostedRow[], modelFor?: (id: string) => unknown): CostSummary {
  const byModel = new Map<string, ModelCost>();
  for (const row of rows) {
    const id = row.model ?? "(unknown model)";
    let line = byModel.get(id);
    if (!line) {
      line = {
        model: id,
        responses: 0,
        inputTokens: 0,
        cachedTokens: 0,
        outputTokens: 0,
        cost: null,
        unpriced: 0,
        pricesAsOf: [],
      };
      byModel.set(id, line);
    }
    let details: Record<string, unknown> | null = null;
    try {
      details = row.token_details ? JSON.parse(row.token_details) : null;
    } catch {
      details = null;
    }
    const counts = { input: row.input_tokens, output: row.output_tokens, details };
    const cost = costOf(id, counts, modelFor?.(id));
    line.responses++;
    line.inputTokens += row.input_tokens ?? 0;
    line.outputTokens += row.output_tokens ?? 0;
    if (cost) {
      line.cachedTokens += cost.cachedTokens;
      line.cost = (line.cost ?? 0) + cost.total;
      if (cost.price.asOf && !line.pricesAsOf.includes(cost.price.asOf)) {
        line.pricesAsOf.push(cost.price.asOf);
      }
    } else {
      line.unpriced++;
    }
  }
  const models = [...byModel.values()].sort((a, b) => (b.cost ?? -1) - (a.cost ?? -1));
  const total = {
    responses: 0,
    inputTokens: 0,
    cachedTokens: 0,
    outputTokens: 0,
    cost: null as number | null,
    unpriced: 0,
  };
  for (const m of models) {
    total.responses += m.responses;
    total.inputTokens += m.inputTokens;
    total.cachedTokens += m.cachedTokens;
    total.outputTokens += m.outputTokens;
    total.unpriced += m.unpriced;
    if (m.cost !== null) total.cost = (total.cost ?? 0) + m.cost;
  }
  return { models, total };
}

const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** The summary as an aligned text table, with notes on unknown prices and the dates of the prices. */
export function renderCostSummary(summary: CostSummary): string {
  if (!summary.total.responses) return "No responses match\n";
  const header = ["Model", "Responses", "Input", "Cached", "Output", "Cost"];
  const money = (m: { cost: number | null; unpriced: number; responses: number }) =>
    m.cost === null ? "unknown" : formatCost(m.cost) + (m.unpriced ? "*" : "");
  const body = summary.models.map((m) => [
    m.model,
    thousands(m.responses),
    thousands(m.inputTokens),
    thousands(m.cachedTokens),
    thousands(m.outputTokens),
    money(m),
  ]);
  const t = summary.total;
  const rows = [header, ...body];
  if (summary.models.length > 1) {
    rows.push([
      "Total",
      thousands(t.responses),
      thousands(t.inputTokens),
      thousands(t.cachedTokens),
      thousands(t.outputTokens),
      money(t),
    ]);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  let out = rows.map((r) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join("  ").trimEnd()
  ).join("\n") + "\n";
  if (t.unpriced) {
    out += `\n${t.unpriced} of ${t.responses} responses have no known price and are left out of the cost` +
      `${t.cost !== null ? " (marked *)" : ""}\n`;
  }
  const dates = [...new Set(summary.models.flatMap((m) => m.pricesAsOf))].sort();
  if (dates.length) out += `Prices as of ${dates.join(", ")}, in US dollars\n`;
  return out;
}
