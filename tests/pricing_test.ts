/** The price table, the cost of a response (cached tokens included), prices from plugins, and the summary. */
import assert from "node:assert/strict";
import { builtinPrices, priceFor } from "../lib/pricing/prices.ts";
import { cachedInputTokens, costLine, costOf, formatCost } from "../lib/pricing/cost.ts";
import { renderCostSummary, summarizeCosts } from "../lib/pricing/cost_summary.ts";
import { builtinOpenAIModelSpecs } from "../lib/providers/openai/catalog.ts";

Deno.test("price table: dated and sourced entries, only for models that exist", () => {
  const ids = new Set(builtinOpenAIModelSpecs().map((s: { id: string }) => s.id));
  assert.ok(builtinPrices().size >= 20);
  for (const [id, price] of builtinPrices()) {
    assert.ok(ids.has(id), `${id} is a built-in model`);
    assert.match(price.asOf, /^\d{4}-\d{2}-\d{2}$/, id);
    assert.match(price.source, /^https:\/\//, id);
    assert.ok(price.input > 0 && price.output > 0, id);
  }
  assert.equal(priceFor("gpt-4o-mini")?.input, 0.15);
  assert.equal(priceFor("no-such-model"), undefined);
});

Deno.test("cost: input, cached input (within or apart from input) and output at their prices", () => {
  const plain = costOf("gpt-4o-mini", { input: 1_000_000, output: 1_000_000 })!;
  assert.equal(plain.total, 0.75);
  // OpenAI counts cached tokens within the input tokens.
  const cached = costOf("gpt-4o", {
    input: 1_000_000,
    output: 0,
    details: { prompt_tokens_details: { cached_tokens: 400_000 } },
  })!;
  assert.equal(cached.cachedTokens, 400_000);
  assert.equal(cached.inputTokens, 600_000);
  assert.equal(cached.total, 0.6 * 2.5 + 0.4 * 1.25);
  assert.deepEqual(cachedInputTokens({ input: 5, output: 1, details: { cache_read_input_tokens: 7 } }), {
    cached: 7,
    withinInput: false,
  });
  // A model with no cached-input price bills cached tokens as input.
  const legacy = costOf("gpt-4", {
    input: 1000,
    output: 0,
    details: { input_tokens_details: { cached_tokens: 500 } },
  })!;
  assert.equal(legacy.total, 1000 * 30 / 1_000_000);
  assert.equal(costOf("unknown-model", { input: 1, output: 1 }), undefined);
  assert.equal(costOf("gpt-4o", { input: null, output: null }), undefined);
});

Deno.test("cost: a plugin's model gives its own price; unknown prices say so, never $0", () => {
  const model = {
    id: "local-llama",
    prices: { input: 1, cachedInput: null, output: 2, asOf: "2026-01-01", source: "" },
  };
  assert.equal(costOf("local-llama", { input: 1_000_000, output: 500_000 }, model)?.total, 2);
  assert.equal(
    costLine("local-llama", { input: 1000, output: 0 }, model),
    "Cost: $0.001 (prices of 2026-01-01)",
  );
  assert.equal(
    costLine("local-llama", { input: 1000, output: 0 }),
    "Cost: unknown (no price known for local-llama)",
  );
  assert.equal(costLine("gpt-4o", { input: null, output: null }), "Cost: unknown (no token counts)");
  assert.deepEqual(
    [0, 1.5, 0.5, 0.0123, 0.000219, 0.00045].map(formatCost),
    ["$0", "$1.50", "$0.50", "$0.0123", "$0.000219", "$0.00045"],
  );
});

Deno.test("summary: per model and total, unknown prices counted but left out of the cost", () => {
  const summary = summarizeCosts([
    { model: "gpt-4o-mini", input_tokens: 1000, output_tokens: 50, token_details: null },
    {
      model: "gpt-4o-mini",
      input_tokens: 1000,
      output_tokens: 50,
      token_details: '{"prompt_tokens_details":{"cached_tokens":1000}}',
    },
    { model: "gpt-4o", input_tokens: 100_000, output_tokens: 5000, token_details: null },
    { model: "llama3", input_tokens: 10, output_tokens: 10, token_details: null },
  ]);
  assert.deepEqual(
    summary.models.map((m) => [m.model, m.responses, m.cost === null ? null : +m.cost.toFixed(8)]),
    [
      ["gpt-4o", 1, 0.3],
      ["gpt-4o-mini", 2, +(0.00015 + 0.00003 + 0.000075 + 0.00003).toFixed(8)],
      ["llama3", 1, null],
    ],
  );
  assert.equal(summary.total.unpriced, 1);
  const text = renderCostSummary(summary);
  assert.match(text, /^Model +Responses +Input +Cached +Output +Cost\n/);
  assert.match(text, /\nllama3 +1 +10 +0 +10 +unknown\n/);
  assert.match(text, /\nTotal +4 +102,010 +1,000 +5,110 +\$0\.30\*\n/);
  assert.match(text, /1 of 4 responses have no known price and are left out of the cost \(marked \*\)/);
  assert.match(text, /Prices as of 2024-10-01, in US dollars\n$/);
  assert.equal(renderCostSummary(summarizeCosts([])), "No responses match\n");
});
